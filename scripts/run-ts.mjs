// Runs a TypeScript script: bundles it with esbuild (the settings of scripts/build.mjs) into .tmp/run-ts/
// and runs the bundle with node, passing the remaining arguments, stdio and the exit code through.
//   node scripts/run-ts.mjs <script.ts> [args...]
// Programmatic use: `const file = await bundleTs('scripts/x.ts')` returns the bundle's path.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `entry` (a path to a .ts file) to `.tmp/run-ts/<name>.mjs` and returns that path. */
export async function bundleTs(entry) {
  const entryPath = resolve(entry);
  const outDir = join(root, '.tmp', 'run-ts');
  mkdirSync(outDir, { recursive: true });
  // The relative path keeps scripts with the same base name apart.
  const name =
    relative(root, entryPath)
      .replace(/\.[cm]?ts$/, '')
      .replace(/[\\/]/g, '__') || basename(entryPath);
  const outfile = join(outDir, `${name}.mjs`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  await build({
    entryPoints: [entryPath],
    outfile,
    define: { __CCMAX_VERSION__: JSON.stringify(pkg.version) },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}

const invokedDirectly = process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
if (invokedDirectly) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    process.stderr.write('usage: node scripts/run-ts.mjs <script.ts> [args...]\n');
    process.exit(2);
  }
  const bundle = await bundleTs(entry);
  const child = spawn(process.execPath, ['--enable-source-maps', bundle, ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the child through the process group; a SIGTERM sent to this pid is passed on.
  const forward = (signal) => () => child.kill(signal);
  process.on('SIGINT', () => {});
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGHUP', forward('SIGHUP'));
  child.on('exit', (code, signal) => {
    if (signal) process.stderr.write(`run-ts: ${entry} ended by ${signal}\n`);
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
}
