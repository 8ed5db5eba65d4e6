// Builds everything into out/: the CLI/server bundle (out/cli.js), the hook client
// (out/heartbeat.js), the dashboard (vite → src-renderer/dist → out/renderer) and the Electron
// shell (out/shell/main.js, out/preload/preload.cjs, out/assets/tray).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildShell } from './build-shell.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
await build({
  entryPoints: [join(root, 'src-main/cli/main.ts')],
  outfile: join(out, 'cli.js'),
  define: { __CCMAX_VERSION__: JSON.stringify(pkg.version) },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

const run = (script) => execFileSync(process.execPath, [join(root, 'scripts', script)], { cwd: root, stdio: 'inherit' });
run('build-heartbeat.mjs');
run('build-renderer.mjs');
cpSync(join(root, 'src-renderer/dist'), join(out, 'renderer'), { recursive: true });
await buildShell({ root, outDir: out });
