import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cyclesOf, folderOf, groupGraph, importGraph, relativeImports } from './import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const topFolder = (module: string) => module.split('/').slice(0, 2).join('/');

describe('the import graph of src-main', () => {
  it('has no cycle between modules', async () => {
    expect(cyclesOf(await importGraph(ROOT, 'src-main'))).toEqual([]);
  });

  it('has no cycle between folders (engine/rotation, engine/switching, …; root modules stand for themselves)', async () => {
    expect(cyclesOf(groupGraph(await importGraph(ROOT, 'src-main'), folderOf))).toEqual([]);
  });

  it('has no cycle between the layers (shared, engine, host, server, shell, cli, demo, preload)', async () => {
    expect(cyclesOf(groupGraph(await importGraph(ROOT, 'src-main'), topFolder))).toEqual([]);
  });

  it('finds a cycle when there is one, so the checks above can fail', () => {
    const graph = new Map([
      ['src-main/engine/a/x.ts', ['src-main/engine/b/y.ts']],
      ['src-main/engine/b/y.ts', ['src-main/engine/a/z.ts']],
      ['src-main/engine/a/z.ts', []],
      ['src-main/engine/ports.ts', []],
    ]);
    expect(cyclesOf(graph)).toEqual([]);
    expect(cyclesOf(groupGraph(graph, folderOf))).toEqual([['src-main/engine/a', 'src-main/engine/b']]);
    graph.set('src-main/engine/a/z.ts', ['src-main/engine/a/x.ts']);
    expect(cyclesOf(graph)).toEqual([['src-main/engine/a/x.ts', 'src-main/engine/a/z.ts', 'src-main/engine/b/y.ts']]);
  });

  it('reads every form of relative import and re-export', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "export type * from './d.js';",
      "const e = await import('./e.js');",
      "import './f.js';",
      "import {\n  g,\n  h,\n} from './gh.js';",
      "import { z } from 'zod';",
    ].join('\n');
    expect(relativeImports(source)).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js', './f.js', './gh.js']);
  });
});

describe('the renderer', () => {
  it('imports nothing from src-main but shared/, in Svelte components as in modules', async () => {
    const entries = await readdir(join(ROOT, 'src-renderer'), { withFileTypes: true, recursive: true });
    const offenders: string[] = [];
    for (const e of entries.filter((x) => x.isFile() && /\.(svelte|ts)$/.test(x.name) && !x.parentPath.includes('/dist'))) {
      const file = join(e.parentPath, e.name);
      for (const spec of relativeImports(await readFile(file, 'utf8'))) {
        if (/(^|\/)src-main\/(?!shared\/)/.test(spec)) offenders.push(`${file.slice(ROOT.length)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
