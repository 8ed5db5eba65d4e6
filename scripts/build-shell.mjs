// Bundles the Electron shell: the main process (out/shell/main.js, ESM on Electron's Node) and the
// preload (out/preload/preload.cjs — sandboxed preloads can only be CommonJS and can `require`
// nothing but `electron`, so everything it uses from shared/ is bundled in), and copies the tray
// icons next to them (out/assets/tray). scripts/build.mjs calls `buildShell()` after it has
// emptied out/; `node scripts/build-shell.mjs` runs it alone.
import { build } from 'esbuild';
import { cpSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds the shell bundles. `root`: the repository (sources and package.json); `outDir`: where the
 * bundles go (default `<root>/out`). Resolves to the paths written.
 */
export async function buildShell({ root = repoRoot, outDir = join(root, 'out') } = {}) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const mainFile = join(outDir, 'shell', 'main.js');
  const preloadFile = join(outDir, 'preload', 'preload.cjs');
  await build({
    entryPoints: [join(root, 'src-main/shell/main.ts')],
    outfile: mainFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Dependencies ship in node_modules (electron-builder packs the production ones); `electron`
    // is provided by the runtime, and @napi-rs/keyring loads a native `.node` file.
    packages: 'external',
    external: ['electron'],
    define: { __CCMAX_VERSION__: JSON.stringify(pkg.version) },
    sourcemap: true,
    logLevel: 'warning',
  });
  await build({
    entryPoints: [join(root, 'src-main/preload/preload.ts')],
    outfile: preloadFile,
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    sourcemap: true,
    logLevel: 'warning',
  });
  const trayDir = join(outDir, 'assets', 'tray');
  cpSync(join(root, 'assets', 'tray'), trayDir, { recursive: true });
  return { mainFile, preloadFile, trayDir };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { mainFile, preloadFile } = await buildShell();
  process.stdout.write(`build-shell: wrote ${mainFile} and ${preloadFile}\n`);
}
