/**
 * Claude Code re-reads `.credentials.json` only when its mtime differs from the last one it saw
 * (CLAUDE_CODE_FACTS.reReadRule): every write of ours must move the mtime, also two writes within
 * the file system's timestamp resolution and after the clock stepped back.
 */
import fs from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialsFileTarget } from '../../src-main/engine/claude-code/credential-targets/credentials-file-target.js';
import { moveMtimePast } from '../../src-main/engine/claude-code/credential-targets/replace-file.js';
import { login, makeTempClaude, type TempClaude } from './target-fixtures.js';

let claude: TempClaude;

beforeEach(async () => {
  claude = await makeTempClaude();
});
afterEach(async () => {
  await claude.cleanup();
});

const mtimeMs = async (): Promise<number> => (await fs.stat(claude.credentialsFile)).mtimeMs;

describe('credential writes move the mtime', () => {
  it('moves it on each of several writes in a row (same millisecond or not)', async () => {
    const target = createCredentialsFileTarget({ paths: claude });
    await target.write(login('a'));
    const seen = [await mtimeMs()];
    for (const name of ['b', 'c', 'd', 'e']) {
      expect((await target.write(login(name))).ok).toBe(true);
      seen.push(await mtimeMs());
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as number);
  });

  it('moves it past an mtime in the future (a clock that stepped back, a coarse file system)', async () => {
    const target = createCredentialsFileTarget({ paths: claude });
    await target.write(login('a'));
    // The old file claims a time 30 s ahead: a plain rename would leave the new one "older" — and a
    // file system with 1 s resolution leaves two writes within one second on the same mtime.
    const aheadS = Date.now() / 1000 + 30;
    await fs.utimes(claude.credentialsFile, aheadS, aheadS);
    const before = await mtimeMs();
    await target.write(login('b'));
    const after = await mtimeMs();
    expect(after).not.toBe(before);
    expect(after).toBeGreaterThan(before);
    expect(after - before).toBeLessThanOrEqual(2_000);
  });

  it('moveMtimePast leaves a file that is already newer alone', async () => {
    await fs.writeFile(claude.credentialsFile, '{}');
    const now = await mtimeMs();
    await moveMtimePast(claude.credentialsFile, now - 10_000);
    expect(await mtimeMs()).toBe(now);
  });
});
