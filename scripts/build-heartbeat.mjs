// Builds the hook client Claude Code runs on every hook call and statusline update:
// out/heartbeat.js — one minified ESM file with everything bundled (no `ws`, no zod), so a call
// costs little more than starting Node. Usage: node scripts/build-heartbeat.mjs [--outdir DIR]
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--outdir');
const outdir = flag > 0 && process.argv[flag + 1] ? resolve(process.argv[flag + 1]) : join(root, 'out');
mkdirSync(outdir, { recursive: true });

const result = await build({
  entryPoints: [join(root, 'src-main/cli/heartbeat/entry.ts')],
  outfile: join(outdir, 'heartbeat.js'),
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

// Guard the budget: a heavy dependency sneaking in would slow every Claude Code hook call.
const inputs = Object.keys(result.metafile.inputs);
const heavy = inputs.filter((p) => /node_modules\/(ws|zod)\//.test(p));
if (heavy.length > 0) {
  console.error(`build-heartbeat: heavy modules bundled into heartbeat.js: ${heavy.join(', ')}`);
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
if (process.argv.includes('--verbose')) console.log(`out/heartbeat.js: ${bytes} bytes from ${inputs.length} modules`);
