import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/ensure-electron.mjs', import.meta.url));

let dir: string;
let electronDir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-ensure-electron-'));
  electronDir = join(dir, 'electron');
  await mkdir(electronDir);
  await writeFile(join(electronDir, 'package.json'), JSON.stringify({ name: 'electron', version: '41.10.0' }));
  // A stand-in for Electron's install.js on a machine without network access.
  await writeFile(join(electronDir, 'install.js'), "console.error('RequestError: getaddrinfo ENOTFOUND github.com'); process.exit(1);\n");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An installer command that does what Electron's does when the download works. */
function workingInstaller(): string[] {
  const script =
    `const fs=require('fs'),p=require('path');fs.mkdirSync(p.join(process.cwd(),'dist'),{recursive:true});` +
    `fs.writeFileSync(p.join(process.cwd(),'dist','electron'),'');fs.writeFileSync(p.join(process.cwd(),'path.txt'),'electron');`;
  return [process.execPath, '-e', script];
}

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cleanEnv = { ...process.env, ...env };
  if (!('ELECTRON_SKIP_BINARY_DOWNLOAD' in env)) delete cleanEnv.ELECTRON_SKIP_BINARY_DOWNLOAD;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, '--electron-dir', electronDir, ...args], { env: cleanEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('ensure-electron', () => {
  it('does nothing when the binary is already installed', async () => {
    await mkdir(join(electronDir, 'dist'));
    await writeFile(join(electronDir, 'dist', 'electron'), '');
    await writeFile(join(electronDir, 'path.txt'), 'electron');
    const marker = join(dir, 'installer-ran');
    const result = await run([
      '--installer',
      JSON.stringify([process.execPath, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`]),
    ]);
    expect(result.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(result.stdout + result.stderr).toBe('');
  });

  it("runs Electron's installer when the binary is missing and succeeds once it appears", async () => {
    const result = await run(['--installer', JSON.stringify(workingInstaller())]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("running Electron's installer");
    expect(existsSync(join(electronDir, 'dist', 'electron'))).toBe(true);
  });

  it('says clearly what failed and points at the browser dashboard when the download is impossible', async () => {
    const result = await run([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ccmax-monitor: the Electron binary is missing, so the tray app cannot start.');
    expect(result.stderr).toMatch(/What failed: Electron's installer \(.*install\.js\) exited with code 1/);
    expect(result.stderr).toContain('This machine cannot download Electron');
    expect(result.stderr).toContain('Run `npx ccmax-monitor serve` for the same dashboard in your browser.');
  });

  it('names ELECTRON_SKIP_BINARY_DOWNLOAD when that is why nothing was downloaded', async () => {
    const result = await run(['--installer', JSON.stringify([process.execPath, '-e', ''])], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('skipped the download because ELECTRON_SKIP_BINARY_DOWNLOAD is set');
    expect(result.stderr).toContain('npx ccmax-monitor serve');
  });

  it('reports an installer that cannot even start', async () => {
    const result = await run(['--installer', JSON.stringify([join(dir, 'no-such-program')])]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('could not be started');
  });

  it('asks for npm install when the electron package itself is absent', async () => {
    await rm(electronDir, { recursive: true });
    const result = await run([]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('run `npm install` first');
  });
});
