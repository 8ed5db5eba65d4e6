/**
 * The import graph of `src-main`, read from the source text: which module imports which, by relative
 * path. Used by the architecture tests to keep modules and folders acyclic. Only relative imports count
 * (packages and `node:*` are leaves); type-only imports count too, because a type cycle is still a
 * cycle a reader has to untangle.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT_FROM =
  /(?:\bimport|\bexport)\s[^;]*?\bfrom\s*['"](\.[^'"]+)['"]|\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)|\bimport\s+['"](\.[^'"]+)['"]/g;

/** The relative specifiers a module's source imports or re-exports. */
export function relativeImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(IMPORT_FROM)) found.push((m[1] ?? m[2] ?? m[3]) as string);
  return found;
}

/** Every `.ts` module under `dir` mapped to the modules it imports (paths relative to `root`, `.ts` extension). */
export async function importGraph(root: string, dir: string): Promise<Map<string, string[]>> {
  const entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = await readFile(file, 'utf8');
    const targets = relativeImports(source).map((spec) => relative(root, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'));
    graph.set(relative(root, file), targets);
  }
  return graph;
}

/** The folder a module belongs to for the folder rule: `src-main/engine/rotation`, or the file itself for the engine's root modules. */
export function folderOf(module: string): string {
  const parts = module.split('/');
  // src-main/<top>/<sub>/… → src-main/<top>/<sub>; a module directly in src-main/<top>/ stands for itself,
  // so `engine/ports.ts` (imported everywhere) does not tie every engine folder into one knot.
  if (parts.length >= 4) return parts.slice(0, 3).join('/');
  return module;
}

/** The strongly connected components with more than one node (Tarjan), each sorted: the cycles of `edges`. */
export function cyclesOf(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
      }
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      let top: string;
      do {
        top = stack.pop()!;
        onStack.delete(top);
        component.push(top);
      } while (top !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!indexOf.has(node)) visit(node);
  return cycles;
}

/** The graph between groups of modules (`groupOf` names a module's group); edges inside one group are dropped. */
export function groupGraph(graph: ReadonlyMap<string, readonly string[]>, groupOf: (module: string) => string): Map<string, string[]> {
  const edges = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    const a = groupOf(from);
    if (!edges.has(a)) edges.set(a, new Set());
    for (const to of targets) {
      const b = groupOf(to);
      if (a !== b) edges.get(a)!.add(b);
    }
  }
  return new Map([...edges].map(([k, v]) => [k, [...v].sort()]));
}
