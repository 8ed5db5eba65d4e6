// Builds the CLI/server bundle (out/cli.js) and copies the renderer into out/renderer.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const common = {
  define: { __CCMAX_VERSION__: JSON.stringify(pkg.version) },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};
await build({ ...common, entryPoints: [join(root, 'src-main/cli/main.ts')], outfile: join(out, 'cli.js') });

const rendererSrc = existsSync(join(root, 'src-renderer/dist')) ? join(root, 'src-renderer/dist') : join(root, 'src-renderer');
cpSync(rendererSrc, join(out, 'renderer'), { recursive: true });
