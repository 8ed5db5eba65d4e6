/** Issue 14 item 8: temp files left by killed writes are removed at start (older than a minute only). */
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveClaudePaths } from '../../src-main/engine/claude-code/claude-store.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { openEngine } from '../../src-main/host/open-engine.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ccmax-temps-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function orphan(file: string, ageMs: number): Promise<void> {
  await writeFile(file, '{"claudeAiOauth": {"accessToken": "sk-ant-oat01-half-written');
  const at = (Date.now() - ageMs) / 1000;
  await utimes(file, at, at);
}

describe('stale temp files at start', () => {
  it('removes our old temp files in the data dir and beside Claude Code’s files, keeping fresh ones and others’ files', async () => {
    const dataDir = join(root, 'data');
    const claudeDir = join(root, 'claude');
    await mkdir(dataDir, { recursive: true });
    await mkdir(claudeDir, { recursive: true });
    const claudePaths = resolveClaudePaths({ CLAUDE_CONFIG_DIR: claudeDir }, root, 'linux');
    await orphan(join(dataDir, '.state.json.0123456789ab.tmp'), 5 * 60_000);
    await orphan(join(dataDir, '.usage-cache.json.ba9876543210.tmp'), 5_000);
    await orphan(join(claudeDir, '.credentials.json.ccmax-0123456789ab.tmp'), 5 * 60_000);
    await orphan(join(claudeDir, '.credentials.json.holder-123'), 5 * 60_000);
    await orphan(join(claudeDir, '.claude.json.ccmax-0123456789ab.tmp'), 5 * 60_000);
    const opened = await openEngine({
      dataDir,
      env: {},
      platform: 'linux',
      homeDir: root,
      vaultKind: 'file',
      logger: silentLogger,
      claudePaths,
      endpoints: { apiBaseUrl: 'http://127.0.0.1:9', tokenUrl: 'http://127.0.0.1:9/v1/oauth/token' },
    });
    await opened.close();
    expect((await readdir(dataDir)).filter((n) => n.endsWith('.tmp'))).toEqual(['.usage-cache.json.ba9876543210.tmp']);
    expect(await readdir(claudeDir)).toEqual(['.credentials.json.holder-123']);
  });
});
