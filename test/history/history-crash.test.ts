import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../src-main/engine/history/open-history-db.js';

const RUNS = 100;
let dir: string;
let writer: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ccmax-history-crash-'));
  // Inside the repository, so the bundle resolves libsql from its node_modules.
  writer = join(import.meta.dirname, '..', '..', '.tmp', `history-writer-${process.pid}.mjs`);
  await build({
    entryPoints: [join(import.meta.dirname, 'history-writer.ts')],
    outfile: writer,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
  });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(writer, { force: true });
});

/** Runs the writer until it has reported at least one reading, kills it after `killAfterMs`, and returns what it reported. */
function runAndKill(dbPath: string, firstAtMs: number, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dbPath, String(firstAtMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: join(import.meta.dirname, '..', '..'),
    });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!armed && /^\d+$/m.test(out)) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ended without being killed: ${err}`));
      else resolve((out.match(/^\d+$/gm) ?? []).map(Number));
    });
  });
}

describe('the history database under SIGKILL', () => {
  it(`keeps every committed reading and passes integrity_check after ${RUNS} kills during writes`, async () => {
    const dbPath = join(dir, 'history.db');
    const reported: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      reported.push(...(await runAndKill(dbPath, run * 10_000_000, (run * 7) % 40)));
    }
    const { db, report } = openHistoryDb(dbPath, 1);
    expect(report.kind).toBe('ok');
    expect(db.get('PRAGMA integrity_check')?.['integrity_check']).toBe('ok');
    const stored = new Set(db.all('SELECT at_ms FROM samples').map((r) => Number(r['at_ms'])));
    const missing = reported.filter((atMs) => !stored.has(atMs));
    expect(reported.length).toBeGreaterThan(RUNS);
    expect(missing).toEqual([]);
    db.close();
  }, 240_000);
});
