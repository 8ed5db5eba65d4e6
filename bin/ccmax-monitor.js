#!/usr/bin/env node
// The `ccmax-monitor` command. The bundle is built by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../out/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write('ccmax-monitor: not built yet. Run `npm run build` in the ccmax-monitor folder.\n');
  process.exit(1);
}
// The long-running server keeps a small young generation: ~10 MB less idle RSS for a negligible
// amount of extra garbage collection (measured by `npm run bench`).
if (process.argv[2] === 'serve') setFlagsFromString('--max-semi-space-size=1');
const { main } = await import(bundle.href);
await main();
