import { writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOAuthAccountTarget } from '../../src-main/engine/claude-code/credential-targets/oauth-account-target.js';
import type { OAuthAccountBlock } from '../../src-main/engine/claude-code/credential-targets/credential-target.js';
import { replaceFile } from '../../src-main/engine/claude-code/credential-targets/replace-file.js';
import { ok } from '../../src-main/shared/result.js';
import { makeTempClaude, ourTemps, type TempClaude } from './target-fixtures.js';

let claude: TempClaude;
let methods: string[];

const newAccount: OAuthAccountBlock = {
  accountUuid: 'uuid-new',
  emailAddress: 'new@example.test',
  organizationUuid: 'org-new',
  displayName: 'New Person',
  billingType: 'stripe_subscription',
};

/** What Claude Code's `.claude.json` looks like: two-space JSON, big and busy. */
const before = `${JSON.stringify(
  {
    numStartups: 17,
    installMethod: 'npm',
    oauthAccount: { accountUuid: 'uuid-old', emailAddress: 'old@example.test', organizationRole: 'admin' },
    projects: { '/home/u/work': { allowedTools: [], history: [{ display: 'fix the {bug}', pastedContents: {} }] } },
    userID: 'f'.repeat(64),
  },
  null,
  2,
)}\n`;

function target() {
  return createOAuthAccountTarget({ paths: { claudeJson: claude.claudeJson }, onWritten: (m) => methods.push(m) });
}

beforeEach(async () => {
  claude = await makeTempClaude();
  methods = [];
});

afterEach(async () => {
  await claude.cleanup();
});

describe('oauthAccount target', () => {
  it('changes only the oauthAccount value, keeping every other byte of the file', async () => {
    await fs.writeFile(claude.claudeJson, before);
    expect((await target().write(newAccount)).ok).toBe(true);
    const after = await fs.readFile(claude.claudeJson, 'utf8');
    const start = before.indexOf('"oauthAccount": ') + '"oauthAccount": '.length;
    const oldEnd = before.indexOf('\n  },\n  "projects"') + '\n  }'.length;
    expect(after.slice(0, start)).toBe(before.slice(0, start));
    expect(after.endsWith(before.slice(oldEnd))).toBe(true);
    expect(JSON.parse(after).oauthAccount).toEqual(newAccount);
    expect(methods).toEqual(['splice']);
  });

  it('adds the key when the file has none, keeping the rest byte for byte', async () => {
    const without = '{\n  "numStartups": 3,\n  "userID": "abc"\n}\n';
    await fs.writeFile(claude.claudeJson, without);
    await target().write(newAccount);
    const after = await fs.readFile(claude.claudeJson, 'utf8');
    expect(after.startsWith('{\n  "numStartups": 3,\n  "userID": "abc",\n  "oauthAccount": {')).toBe(true);
    expect(JSON.parse(after)).toEqual({ numStartups: 3, userID: 'abc', oauthAccount: newAccount });
  });

  it('falls back to rewriting the document in its indentation when the key appears twice', async () => {
    await fs.writeFile(claude.claudeJson, '{\n  "oauthAccount": {},\n  "a": 1,\n  "oauthAccount": {}\n}\n');
    expect((await target().write(newAccount)).ok).toBe(true);
    expect(await fs.readFile(claude.claudeJson, 'utf8')).toBe(`${JSON.stringify({ oauthAccount: newAccount, a: 1 }, null, 2)}\n`);
    expect(methods).toEqual(['rewrite']);
  });

  it('keeps the file’s mode', async () => {
    await fs.writeFile(claude.claudeJson, before, { mode: 0o644 });
    await fs.chmod(claude.claudeJson, 0o644);
    await target().write(newAccount);
    expect((await fs.stat(claude.claudeJson)).mode & 0o777).toBe(0o644);
  });

  it('writes through a symlink and keeps the link', async () => {
    const real = path.join(claude.root, 'dotfiles-claude.json');
    await fs.writeFile(real, before);
    await fs.symlink(real, claude.claudeJson);
    await target().write(newAccount);
    expect((await fs.lstat(claude.claudeJson)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await fs.readFile(real, 'utf8')).oauthAccount).toEqual(newAccount);
  });

  it('creates the file when Claude Code has not written one yet', async () => {
    await target().write(newAccount);
    expect(JSON.parse(await fs.readFile(claude.claudeJson, 'utf8'))).toEqual({ oauthAccount: newAccount });
  });

  it('reads the current block, or null without one', async () => {
    expect(await target().read()).toEqual({ ok: true, value: null });
    await fs.writeFile(claude.claudeJson, before);
    expect(await target().read()).toMatchObject({ ok: true, value: { accountUuid: 'uuid-old', emailAddress: 'old@example.test' } });
  });

  it('leaves a file that is not JSON untouched', async () => {
    await fs.writeFile(claude.claudeJson, '{"numStartups": ');
    expect(await target().write(newAccount)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await fs.readFile(claude.claudeJson, 'utf8')).toBe('{"numStartups": ');
  });

  it('leaves no temp file and no lock behind', async () => {
    await fs.writeFile(claude.claudeJson, before);
    await target().write(newAccount);
    expect(await ourTemps(claude.root)).toEqual([]);
    await expect(fs.stat(`${claude.claudeJson}.lock`)).rejects.toThrow();
  });

  it('gives up with locked while someone else holds the .claude.json lock, leaving the file alone', async () => {
    await fs.writeFile(claude.claudeJson, before);
    await fs.mkdir(`${claude.claudeJson}.lock`);
    const patient = createOAuthAccountTarget({ paths: { claudeJson: claude.claudeJson }, lock: { waitMs: 150 } });
    expect(await patient.write(newAccount)).toMatchObject({ ok: false, error: { kind: 'locked' } });
    expect(await fs.readFile(claude.claudeJson, 'utf8')).toBe(before);
  });
});

describe('replaceFile check-and-retry', () => {
  it('redoes the change when the file changed between the read and the rename', async () => {
    await fs.writeFile(claude.claudeJson, '{"n": 1}');
    const seen: (string | null)[] = [];
    const result = await replaceFile(
      claude.claudeJson,
      (current) => {
        seen.push(current);
        // Claude Code rewrites the file right after our read, once.
        if (seen.length === 1) writeFileSync(claude.claudeJson, '{"n": 2}');
        return ok(JSON.stringify({ ...JSON.parse(current ?? '{}'), ours: true }));
      },
      { mode: 'preserve' },
    );
    expect(result).toMatchObject({ ok: true, value: { changed: true } });
    expect(seen).toEqual(['{"n": 1}', '{"n": 2}']);
    expect(JSON.parse(await fs.readFile(claude.claudeJson, 'utf8'))).toEqual({ n: 2, ours: true });
  });

  it('gives up with conflict when the file changes on every attempt', async () => {
    await fs.writeFile(claude.claudeJson, '{"n": 0}');
    let n = 0;
    const result = await replaceFile(
      claude.claudeJson,
      () => {
        n += 1;
        writeFileSync(claude.claudeJson, JSON.stringify({ n }));
        return ok('{"ours": true}');
      },
      { mode: 'preserve', maxAttempts: 3 },
    );
    expect(result).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect(n).toBe(3);
    expect(await ourTemps(claude.root)).toEqual([]);
  });
});
