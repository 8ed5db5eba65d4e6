import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The import-rule messages ESLint reports for `source` placed at `path` (the file need not exist). */
async function importErrors(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {};\n`, { filePath: `${ROOT}/${path}` });
  return (result?.messages ?? []).filter((m) => /restricted-imports/.test(m.ruleId ?? '')).map((m) => m.message);
}

describe('the import rules', () => {
  it.each([
    [
      'a server module reaching past the engine door',
      'src-main/server/x.ts',
      "import { createEngine } from '../engine/create-engine.js';",
      'door',
    ],
    ['a host module reaching into an engine folder', 'src-main/host/x.ts', "import type { Clock } from '../engine/ports.js';", 'door'],
    [
      'a CLI command reaching into the engine',
      'src-main/cli/commands/x.ts',
      "import { x } from '../../engine/rotation/policy.js';",
      'door',
    ],
    ['the shell reaching into the engine', 'src-main/shell/tray/x.ts', "import { x } from '../../engine/sessions/index.js';", 'door'],
    ['the demo reaching into the engine', 'src-main/demo/x.ts', "import { x } from '../engine/anthropic/index.js';", 'door'],
    ['the shell importing the CLI', 'src-main/shell/x.ts', "import { x } from '../cli/discovery.js';", 'src-main/host/'],
    ['the engine importing the server', 'src-main/engine/fleet/x.ts', "import { x } from '../../server/access.js';", 'port'],
    ['the engine importing the host', 'src-main/engine/x.ts', "import { x } from '../host/open-engine.js';", 'port'],
    ['the engine importing the CLI', 'src-main/engine/x.ts', "import { x } from '../cli/main.js';", 'port'],
    ['the engine importing the shell', 'src-main/engine/x.ts', "import { x } from '../shell/main.js';", 'port'],
    ['the engine importing electron', 'src-main/engine/x.ts', "import { app } from 'electron';", 'electron'],
    ['the server importing the host', 'src-main/server/x.ts', "import { x } from '../host/start-monitor.js';", 'composed by host'],
    ['the host importing a face', 'src-main/host/x.ts', "import { x } from '../shell/main.js';", 'either face'],
    ['shared importing Node', 'src-main/shared/x.ts', "import { readFile } from 'node:fs';", 'node:*'],
    ['shared importing the engine', 'src-main/shared/x.ts', "import { x } from '../engine/index.js';", 'bottom layer'],
    ['the renderer importing the engine', 'src-renderer/lib/x.ts', "import { x } from '../../src-main/engine/index.js';", 'bridge'],
    ['the renderer importing the server', 'src-renderer/x.ts', "import { x } from '../src-main/server/access.js';", 'bridge'],
    ['the renderer importing Node', 'src-renderer/lib/x.ts', "import { join } from 'node:path';", 'web page'],
  ])('refuses %s', async (_name, path, source, wording) => {
    const errors = await importErrors(path, source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(wording);
  });

  it.each([
    ['the server through the engine door', 'src-main/server/x.ts', "import { createEngine } from '../engine/index.js';"],
    ['the shell through the engine door', 'src-main/shell/tray/x.ts', "import type { Engine } from '../../engine/index.js';"],
    ['an engine module inside the engine', 'src-main/engine/rotation/x.ts', "import type { Clock } from '../ports.js';"],
    ['the shell using the host', 'src-main/shell/x.ts', "import { x } from '../host/start-monitor.js';"],
    ['the renderer using shared', 'src-renderer/lib/x.ts', "import type { Bridge } from '../../src-main/shared/contract.js';"],
    ['a shared module using shared', 'src-main/shared/x.ts', "import type { Result } from './result.js';"],
    ['a file named like the engine', 'src-main/shell/x.ts', "import { x } from './engine-factory.js';"],
  ])('allows %s', async (_name, path, source) => {
    expect(await importErrors(path, source)).toEqual([]);
  });
});
