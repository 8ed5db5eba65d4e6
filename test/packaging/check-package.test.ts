import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPackage } from '@electron/asar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/check-package.mjs', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-package-layout-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('packaging', () => {
  it('packages the Linux app offline against a stand-in Electron with the layout the app needs', async () => {
    const result = await run([]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^check-package: ok in [\d.]+ s/);
  }, 180_000);

  it('reports sources, tests, maps, a wrong main and a packed native module in a bad app', async () => {
    const appSource = join(dir, 'source');
    await mkdir(join(appSource, 'src-main', 'engine'), { recursive: true });
    await mkdir(join(appSource, 'test'), { recursive: true });
    await mkdir(join(appSource, 'out', 'shell'), { recursive: true });
    await mkdir(join(appSource, 'node_modules', '@napi-rs', 'keyring-linux-x64-gnu'), { recursive: true });
    await writeFile(join(appSource, 'package.json'), JSON.stringify({ name: 'ccmax-monitor', main: 'bin/ccmax-monitor.js' }));
    await writeFile(join(appSource, 'src-main', 'engine', 'engine.ts'), 'export {};');
    await writeFile(join(appSource, 'test', 'x.test.ts'), 'export {};');
    await writeFile(join(appSource, 'out', 'shell', 'main.js'), '');
    await writeFile(join(appSource, 'out', 'shell', 'main.js.map'), '{}');
    await writeFile(join(appSource, 'node_modules', '@napi-rs', 'keyring-linux-x64-gnu', 'keyring.linux-x64-gnu.node'), '');
    const appOut = join(dir, 'linux-unpacked');
    await mkdir(join(appOut, 'resources'), { recursive: true });
    await writeFile(join(appOut, 'ccmax-monitor'), '');
    await createPackage(appSource, join(appOut, 'resources', 'app.asar'));

    const result = await run(['--inspect', appOut]);
    expect(result.code).toBe(1);
    const problems = result.stderr.split('\n').filter(Boolean);
    expect(problems).toEqual(
      expect.arrayContaining([
        'check-package: app.asar lacks /out/preload/preload.cjs',
        'check-package: app.asar lacks /out/renderer/index.html',
        'check-package: app.asar ships sources: /src-main',
        'check-package: app.asar ships TypeScript or Svelte sources: /src-main/engine/engine.ts',
        'check-package: app.asar ships tests or tooling: /test/x.test.ts',
        'check-package: app.asar ships source maps: /out/shell/main.js.map',
        'check-package: package.json main is "bin/ccmax-monitor.js", not out/shell/main.js (extraMetadata.main)',
        'check-package: /node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node is not in app.asar.unpacked (asarUnpack)',
        'check-package: the executable has no Electron fuse wire',
      ]),
    );
  });

  it('reports every Electron fuse left at its default (run-as-node, NODE_OPTIONS, inspector, asar integrity)', async () => {
    const appOut = join(dir, 'linux-unpacked');
    await mkdir(join(appOut, 'resources'), { recursive: true });
    // Electron's own fuse wire, as in an unflipped binary: version 1, 8 fuses, Electron's defaults.
    await writeFile(join(appOut, 'ccmax-monitor'), Buffer.from('ELF…dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX\x01\x0810110001…', 'latin1'));
    await createPackage(dir, join(appOut, 'resources', 'app.asar')).catch(() => undefined);

    const problems = (await run(['--inspect', appOut])).stderr.split('\n').filter((l) => l.includes('fuse'));
    expect(problems).toEqual([
      'check-package: Electron fuse RunAsNode is on (electronFuses must turn it off)',
      'check-package: Electron fuse EnableCookieEncryption is off (electronFuses must turn it on)',
      'check-package: Electron fuse EnableNodeOptionsEnvironmentVariable is on (electronFuses must turn it off)',
      'check-package: Electron fuse EnableNodeCliInspectArguments is on (electronFuses must turn it off)',
      'check-package: Electron fuse EnableEmbeddedAsarIntegrityValidation is off (electronFuses must turn it on)',
      'check-package: Electron fuse OnlyLoadAppFromAsar is off (electronFuses must turn it on)',
      'check-package: Electron fuse GrantFileProtocolExtraPrivileges is on (electronFuses must turn it off)',
    ]);
  });

  it('reports a missing app.asar', async () => {
    const result = await run(['--inspect', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('resources/app.asar is missing');
  });
});
