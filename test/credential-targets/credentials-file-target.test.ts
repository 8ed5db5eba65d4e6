import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialsFileTarget } from '../../src-main/engine/claude-code/credential-targets/credentials-file-target.js';
import type { CredentialTarget } from '../../src-main/engine/claude-code/credential-targets/credential-target.js';
import { asStored, login, makeTempClaude, ourTemps, startChild, type TempClaude } from './target-fixtures.js';

let claude: TempClaude;
let target: CredentialTarget;

beforeEach(async () => {
  claude = await makeTempClaude();
  target = createCredentialsFileTarget({ paths: claude });
});

afterEach(async () => {
  await claude.cleanup();
});

async function fileJson(): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(claude.credentialsFile, 'utf8')) as Record<string, unknown>;
}

describe('credentials-file target', () => {
  it('writes claudeAiOauth in Claude Code’s shape with expiresAt in milliseconds', async () => {
    expect(await target.write(login('a'))).toEqual({ ok: true, value: undefined });
    expect(await fileJson()).toEqual({ claudeAiOauth: asStored(login('a')) });
  });

  it('creates the file with mode 0600', async () => {
    await target.write(login('a'));
    expect((await fs.stat(claude.credentialsFile)).mode & 0o777).toBe(0o600);
  });

  it('creates a missing config dir', async () => {
    await fs.rm(claude.configDir, { recursive: true });
    expect((await target.write(login('a'))).ok).toBe(true);
    expect(await fileJson()).toEqual({ claudeAiOauth: asStored(login('a')) });
  });

  it('tightens a file that was readable by others to 0600', async () => {
    await fs.writeFile(claude.credentialsFile, JSON.stringify({ claudeAiOauth: asStored(login('a')) }), { mode: 0o644 });
    await target.write(login('b'));
    expect((await fs.stat(claude.credentialsFile)).mode & 0o777).toBe(0o600);
  });

  it('preserves every other top-level key and their order', async () => {
    const before = { mcpOAuth: { server: { accessToken: 'mcp' } }, claudeAiOauth: asStored(login('a')), extra: [1, 2] };
    await fs.writeFile(claude.credentialsFile, JSON.stringify(before), { mode: 0o600 });
    await target.write(login('b'));
    const after = await fileJson();
    expect(after).toEqual({ ...before, claudeAiOauth: asStored(login('b')) });
    expect(Object.keys(after)).toEqual(['mcpOAuth', 'claudeAiOauth', 'extra']);
  });

  it('keeps the file’s indentation', async () => {
    await fs.writeFile(claude.credentialsFile, `${JSON.stringify({ claudeAiOauth: asStored(login('a')) }, null, 2)}\n`);
    await target.write(login('b'));
    expect(await fs.readFile(claude.credentialsFile, 'utf8')).toBe(`${JSON.stringify({ claudeAiOauth: asStored(login('b')) }, null, 2)}\n`);
  });

  it('reads back the login it wrote', async () => {
    await target.write(login('a'));
    expect(await target.read()).toEqual({ ok: true, value: login('a') });
  });

  it('writes an access-token-only login (what an agent holds) with no refreshToken key, and reads it back', async () => {
    const accessOnly = { ...login('a'), refreshToken: '' };
    expect((await target.write(accessOnly)).ok).toBe(true);
    const { refreshToken: _none, ...rest } = asStored(login('a'));
    expect(await fileJson()).toEqual({ claudeAiOauth: rest });
    expect(await target.read()).toEqual({ ok: true, value: accessOnly });
    // An empty key (another writer's way of saying "none") reads the same.
    await fs.writeFile(claude.credentialsFile, JSON.stringify({ claudeAiOauth: { ...rest, refreshToken: '' } }));
    expect(await target.read()).toEqual({ ok: true, value: accessOnly });
  });

  it('reads null when there is no file or no claudeAiOauth', async () => {
    expect(await target.read()).toEqual({ ok: true, value: null });
    await fs.writeFile(claude.credentialsFile, '{"mcpOAuth": {}}');
    expect(await target.read()).toEqual({ ok: true, value: null });
  });

  it('leaves a file that is not JSON untouched and says so without quoting it', async () => {
    const broken = '{"claudeAiOauth": {"accessToken": "sk-ant-oat01-secret"';
    await fs.writeFile(claude.credentialsFile, broken);
    const result = await target.write(login('b'));
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(JSON.stringify(result)).not.toContain('sk-ant');
    expect(await fs.readFile(claude.credentialsFile, 'utf8')).toBe(broken);
  });

  it('leaves no temp file and no lock behind', async () => {
    await target.write(login('a'));
    expect(await ourTemps(claude.configDir)).toEqual([]);
    await expect(fs.stat(path.join(claude.configDir, '.oauth_refresh.lock'))).rejects.toThrow();
    await expect(fs.stat(`${claude.configDir}.lock`)).rejects.toThrow();
  });

  it('removes temp files a killed writer left, and nothing else', async () => {
    const orphan = path.join(claude.configDir, '.credentials.json.ccmax-0123456789ab.tmp');
    const foreign = path.join(claude.configDir, '.credentials.json.tmp.12345');
    await fs.writeFile(orphan, 'half');
    await fs.writeFile(foreign, 'theirs');
    await target.write(login('a'));
    expect(await ourTemps(claude.configDir)).toEqual([]);
    expect(await fs.readFile(foreign, 'utf8')).toBe('theirs');
  });

  it('runs concurrent writes in call order, so the last one wins', async () => {
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((tag) => target.write(login(tag))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await target.read()).toEqual({ ok: true, value: login('e') });
  });

  it('describes itself by its path', () => {
    expect(target.describe()).toContain(claude.credentialsFile);
  });
});

describe('credentials-file target with Claude Code writing at the same time', () => {
  it('waits while Claude Code holds its refresh lock, then keeps what Claude Code wrote', async () => {
    await target.write(login('a'));
    const holder = startChild('lock-holder.mjs', ['hold', claude.configDir, claude.credentialsFile, '400']);
    await holder.waitForLine('locked');
    const startedMs = Date.now();
    expect((await target.write(login('b'))).ok).toBe(true);
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(250);
    expect(await holder.exited()).toBe(0);
    const after = await fileJson();
    expect(after.claudeAiOauth).toEqual(asStored(login('b')));
    expect(after.holder).toEqual({ wroteAtMs: expect.any(Number) });
  });

  it('gives up with locked when the lock stays held past the wait', async () => {
    const patient = createCredentialsFileTarget({ paths: claude, lock: { waitMs: 200 } });
    const holder = startChild('lock-holder.mjs', ['hold', claude.configDir, claude.credentialsFile, '700']);
    await fs.writeFile(claude.credentialsFile, '{}');
    await holder.waitForLine('locked');
    expect(await patient.write(login('b'))).toMatchObject({ ok: false, error: { kind: 'locked' } });
    await holder.exited();
  });

  it('loses none of another process’s keys while both write in a loop', async () => {
    await target.write(login('start'));
    const count = 40;
    const other = startChild('lock-holder.mjs', ['loop', claude.configDir, claude.credentialsFile, String(count)]);
    await other.waitForLine('started');
    for (let i = 0; i < count; i++) expect((await target.write(login(`mine${i}`))).ok).toBe(true);
    expect(await other.exited()).toBe(0);
    const after = await fileJson();
    for (let i = 0; i < count; i++) expect(after[`other${i}`]).toBe(i);
    expect(after.claudeAiOauth).toEqual(asStored(login(`mine${count - 1}`)));
  });
});

describe('credentials-file target: secure the stored login before replacing it', () => {
  it('hands the stored login over inside the locks, then replaces it', async () => {
    await fs.writeFile(claude.credentialsFile, JSON.stringify({ claudeAiOauth: asStored(login('old')) }), { mode: 0o600 });
    const seen: (string | null)[] = [];
    const locksHeld: boolean[] = [];
    const result = await target.write(login('new'), {
      secureCurrent: async (current) => {
        seen.push(current?.refreshToken ?? null);
        locksHeld.push(
          await fs.stat(path.join(claude.configDir, '.oauth_refresh.lock')).then(
            () => true,
            () => false,
          ),
        );
        return { ok: true, value: undefined };
      },
    });
    expect(result.ok).toBe(true);
    expect(seen).toEqual([login('old').refreshToken]);
    expect(locksHeld).toEqual([true]);
    expect(await fileJson()).toEqual({ claudeAiOauth: asStored(login('new')) });
  });

  it('secures again when the file changes after it was secured (a writer that ignored the locks)', async () => {
    await fs.writeFile(claude.credentialsFile, JSON.stringify({ claudeAiOauth: asStored(login('old')) }), { mode: 0o600 });
    const seen: (string | null)[] = [];
    const result = await target.write(login('new'), {
      secureCurrent: async (current) => {
        seen.push(current?.refreshToken ?? null);
        if (seen.length === 1) {
          // Claude Code's refresh lands between our harvest and our write.
          await fs.writeFile(claude.credentialsFile, JSON.stringify({ claudeAiOauth: asStored(login('refreshed')) }), { mode: 0o600 });
        }
        return { ok: true, value: undefined };
      },
    });
    expect(result.ok).toBe(true);
    expect(seen).toEqual([login('old').refreshToken, login('refreshed').refreshToken]);
    expect(await fileJson()).toEqual({ claudeAiOauth: asStored(login('new')) });
  });

  it('leaves the file untouched when the stored login cannot be secured', async () => {
    const before = JSON.stringify({ claudeAiOauth: asStored(login('old')) });
    await fs.writeFile(claude.credentialsFile, before, { mode: 0o600 });
    const result = await target.write(login('new'), {
      secureCurrent: async () => ({ ok: false, error: { message: 'vault is read-only' } }),
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'not-secured' } });
    expect(await fs.readFile(claude.credentialsFile, 'utf8')).toBe(before);
  });

  it('gives up with conflict, writing nothing, when the login keeps changing under it', async () => {
    await fs.writeFile(claude.credentialsFile, JSON.stringify({ claudeAiOauth: asStored(login('r0')) }), { mode: 0o600 });
    let n = 0;
    const result = await target.write(login('new'), {
      secureCurrent: async () => {
        n++;
        await fs.writeFile(claude.credentialsFile, JSON.stringify({ claudeAiOauth: asStored(login(`r${n}`)) }), { mode: 0o600 });
        return { ok: true, value: undefined };
      },
    });
    expect(result).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect((await fileJson()).claudeAiOauth).toEqual(asStored(login(`r${n}`)));
  });
});

describe('credentials-file target and a dangling symlink (issue 14 item 8)', () => {
  it('writes through a .credentials.json symlink whose target does not exist yet, keeping the link', async () => {
    const realDir = path.join(claude.root, 'dotfiles');
    await fs.mkdir(realDir);
    const real = path.join(realDir, 'claude-credentials.json');
    await fs.symlink(real, claude.credentialsFile);
    expect((await target.write(login('a'))).ok).toBe(true);
    expect((await fs.lstat(claude.credentialsFile)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await fs.readFile(real, 'utf8'))).toEqual({ claudeAiOauth: asStored(login('a')) });
    expect((await fs.stat(real)).mode & 0o777).toBe(0o600);
  });

  it('refuses, leaving the link alone, when the link points into a folder that does not exist', async () => {
    const real = path.join(claude.root, 'gone', 'claude-credentials.json');
    await fs.symlink(real, claude.credentialsFile);
    const result = await target.write(login('a'));
    expect(result).toMatchObject({ ok: false, error: { kind: 'io' } });
    expect(!result.ok && result.error.message).toMatch(/symlink/);
    expect((await fs.lstat(claude.credentialsFile)).isSymbolicLink()).toBe(true);
  });
});

describe('credentials-file target: the login to write is asked for after securing', () => {
  it('writes what `latest` gives once the stored login was secured (a switch to the account Claude Code holds)', async () => {
    await fs.writeFile(claude.credentialsFile, JSON.stringify({ claudeAiOauth: asStored(login('b-newest')) }), { mode: 0o600 });
    let harvested = false;
    const result = await target.write(login('b-stale'), {
      secureCurrent: async () => {
        harvested = true;
        return { ok: true, value: undefined };
      },
      latest: () => (harvested ? login('b-newest') : login('b-stale')),
    });
    expect(result.ok).toBe(true);
    expect(await fileJson()).toEqual({ claudeAiOauth: asStored(login('b-newest')) });
  });
});
