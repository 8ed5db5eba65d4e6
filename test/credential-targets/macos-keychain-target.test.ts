import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../../src-main/engine/claude-code/credential-targets/command-runner.js';
import { createMacosKeychainTarget } from '../../src-main/engine/claude-code/credential-targets/macos-keychain-target.js';
import { asStored, login, makeTempClaude, type TempClaude } from './target-fixtures.js';

const SERVICE = 'Claude Code-credentials';
const ACCOUNT = 'alice';

interface Call {
  readonly file: string;
  readonly args: readonly string[];
  readonly stdin: string | undefined;
}

/**
 * A fake `/usr/bin/security` holding one generic password. Understands `find-generic-password -w`,
 * `add-generic-password -U … -X <hex>` as arguments, and the same on stdin after `-i`.
 */
class FakeSecurity {
  value: string | null = null;
  readonly calls: Call[] = [];
  /** When set, `add-generic-password` exits 0 but stores nothing (a silent failure of `security -i`). */
  dropWrites = false;
  printHex = false;
  /** Runs at the moment of an `add-generic-password`, to look at the world then. */
  onAdd: (() => void) | null = null;

  readonly run: CommandRunner = async (file, args, options) => {
    this.calls.push({ file, args: [...args], stdin: options?.stdin });
    if (args[0] === '-i') return this.#add(parseInteractive(options?.stdin ?? ''));
    if (args[0] === 'add-generic-password') return this.#add([...args]);
    if (args[0] === 'find-generic-password') {
      if (this.value === null) return { exitCode: 44, stdout: '', stderr: 'The specified item could not be found in the keychain.' };
      const shown = this.printHex ? Buffer.from(this.value).toString('hex') : this.value;
      return { exitCode: 0, stdout: `${shown}\n`, stderr: '' };
    }
    return { exitCode: 2, stdout: '', stderr: 'unknown command' };
  };

  #add(argv: readonly string[]): CommandResult {
    this.onAdd?.();
    const hex = argv[argv.indexOf('-X') + 1] ?? '';
    if (argv[argv.indexOf('-s') + 1] !== SERVICE || argv[argv.indexOf('-a') + 1] !== ACCOUNT) {
      return { exitCode: 1, stdout: '', stderr: 'wrong item' };
    }
    if (!this.dropWrites) this.value = Buffer.from(hex, 'hex').toString('utf8');
    return { exitCode: 0, stdout: '', stderr: '' };
  }
}

/** Splits one `security -i` command line into words, honouring double quotes. */
function parseInteractive(line: string): string[] {
  return [...line.trim().matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

let fake: FakeSecurity;
let claude: TempClaude;

beforeEach(async () => {
  fake = new FakeSecurity();
  claude = await makeTempClaude();
});

afterEach(async () => {
  await claude.cleanup();
});

function target(extra: { configDir?: string } = {}) {
  return createMacosKeychainTarget({ paths: { keychainService: SERVICE, keychainAccount: ACCOUNT, ...extra }, run: fake.run });
}

describe('macOS keychain target', () => {
  it('reads the item with find-generic-password through /usr/bin/security', async () => {
    fake.value = JSON.stringify({ claudeAiOauth: asStored(login('a')) });
    expect(await target().read()).toEqual({ ok: true, value: login('a') });
    expect(fake.calls[0]).toEqual({
      file: '/usr/bin/security',
      args: ['find-generic-password', '-a', ACCOUNT, '-w', '-s', SERVICE],
      stdin: undefined,
    });
  });

  it('reads null when the item does not exist (exit 44)', async () => {
    expect(await target().read()).toEqual({ ok: true, value: null });
  });

  it('decodes a value security printed as hex', async () => {
    fake.value = JSON.stringify({ claudeAiOauth: asStored(login('a')) });
    fake.printHex = true;
    expect(await target().read()).toEqual({ ok: true, value: login('a') });
  });

  it('reports a failing security command with its exit code', async () => {
    const failing: CommandRunner = async () => ({ exitCode: 51, stdout: '', stderr: 'denied' });
    const t = createMacosKeychainTarget({ paths: { keychainService: SERVICE, keychainAccount: ACCOUNT }, run: failing });
    expect(await t.read()).toMatchObject({ ok: false, error: { kind: 'command-failed', exitCode: 51 } });
  });

  it('writes the hex JSON through security -i on stdin, keeping the token out of the arguments', async () => {
    expect((await target().write(login('b'))).ok).toBe(true);
    const add = fake.calls.find((c) => c.args[0] === '-i');
    expect(add?.args).toEqual(['-i']);
    const hex = Buffer.from(JSON.stringify({ claudeAiOauth: asStored(login('b')) })).toString('hex');
    expect(add?.stdin).toBe(`add-generic-password -U -a "${ACCOUNT}" -s "${SERVICE}" -X "${hex}"\n`);
    expect(fake.calls.flatMap((c) => c.args).join(' ')).not.toContain(hex);
  });

  it('writes an access-token-only login with no refreshToken key and verifies it', async () => {
    const accessOnly = { ...login('b'), refreshToken: '' };
    expect((await target().write(accessOnly)).ok).toBe(true);
    const { refreshToken: _none, ...rest } = asStored(login('b'));
    expect(JSON.parse(fake.value ?? '')).toEqual({ claudeAiOauth: rest });
    expect(await target().read()).toEqual({ ok: true, value: accessOnly });
  });

  it('keeps the other keys of the stored JSON', async () => {
    fake.value = JSON.stringify({ mcpOAuth: { s: { token: 'x' } }, claudeAiOauth: asStored(login('a')) });
    await target().write(login('b'));
    expect(JSON.parse(fake.value ?? '')).toEqual({ mcpOAuth: { s: { token: 'x' } }, claudeAiOauth: asStored(login('b')) });
  });

  it('falls back to arguments when the command is too long for security’s input line', async () => {
    const big = { ...login('c'), scopes: Array.from({ length: 200 }, (_, i) => `scope:${i}`) };
    expect((await target().write(big)).ok).toBe(true);
    const add = fake.calls.find((c) => c.args[0] === 'add-generic-password');
    expect(add?.args.slice(0, 6)).toEqual(['add-generic-password', '-U', '-a', ACCOUNT, '-s', SERVICE]);
    expect(add?.args[6]).toBe('-X');
    expect(await target().read()).toEqual({ ok: true, value: big });
  });

  it('reports verify-failed when the item does not hold the login afterwards', async () => {
    fake.value = JSON.stringify({ claudeAiOauth: asStored(login('a')) });
    fake.dropWrites = true;
    expect(await target().write(login('b'))).toMatchObject({ ok: false, error: { kind: 'verify-failed' } });
  });

  it('refuses to overwrite an item whose value is not JSON', async () => {
    fake.value = 'not json';
    expect(await target().write(login('b'))).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(fake.value).toBe('not json');
  });

  it('holds Claude Code’s refresh locks while writing when given the config dir', async () => {
    let lockedDuringAdd = false;
    fake.onAdd = () => {
      lockedDuringAdd = existsSync(path.join(claude.configDir, '.oauth_refresh.lock')) && existsSync(`${claude.configDir}.lock`);
    };
    expect((await target({ configDir: claude.configDir }).write(login('b'))).ok).toBe(true);
    expect(lockedDuringAdd).toBe(true);
    expect(existsSync(path.join(claude.configDir, '.oauth_refresh.lock'))).toBe(false);
  });

  it('rejects a service name that could break out of the quoted command', () => {
    expect(() => createMacosKeychainTarget({ paths: { keychainService: 'x" -s "y', keychainAccount: ACCOUNT }, run: fake.run })).toThrow();
  });
});

describe('macOS keychain target: secure the stored login before replacing it', () => {
  it('secures again when the item changed after it was secured, and replaces only then', async () => {
    fake.value = JSON.stringify({ claudeAiOauth: asStored(login('old')) });
    const seen: (string | null)[] = [];
    const result = await target({ configDir: claude.configDir }).write(login('new'), {
      secureCurrent: async (current) => {
        seen.push(current?.refreshToken ?? null);
        if (seen.length === 1) fake.value = JSON.stringify({ claudeAiOauth: asStored(login('refreshed')) });
        return { ok: true, value: undefined };
      },
    });
    expect(result.ok).toBe(true);
    expect(seen).toEqual([login('old').refreshToken, login('refreshed').refreshToken]);
    expect(JSON.parse(fake.value ?? 'null')).toEqual({ claudeAiOauth: asStored(login('new')) });
  });

  it('leaves the item untouched when the stored login cannot be secured', async () => {
    const before = JSON.stringify({ claudeAiOauth: asStored(login('old')) });
    fake.value = before;
    const result = await target().write(login('new'), { secureCurrent: async () => ({ ok: false, error: { message: 'no vault' } }) });
    expect(result).toMatchObject({ ok: false, error: { kind: 'not-secured' } });
    expect(fake.value).toBe(before);
  });
});
