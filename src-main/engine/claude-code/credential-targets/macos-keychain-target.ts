/**
 * The macOS keychain target: the login-keychain generic password Claude Code reads
 * (service `Claude Code-credentials[-<hash>]`, account `$USER`), always through `/usr/bin/security`
 * so the item keeps its access list and Claude Code is not prompted (CLAUDE-CODE.md).
 * The stored value is the whole credentials JSON: `claudeAiOauth` is replaced, other keys kept.
 * The new value goes in as hex (`-X`, as Claude Code writes it) through `security -i` on stdin, so
 * the token never shows in the process list; only a command too long for `security`'s input line
 * falls back to arguments. Holds Claude Code's refresh locks when a config dir is given.
 * Claude Code caches the item for about 30 s, so a swap lands up to ~30 s later on macOS.
 */
import { mkdir } from 'node:fs/promises';
import { err, ok, type Result } from '../../../shared/result.js';
import type { Logger } from '../../ports.js';
import type { OAuthCredentials } from '../../vault/credentials.js';
import type { ClaudePaths } from '../claude-paths.js';
import { claudeCredentialLocks, withLocks } from './claude-locks.js';
import { createCommandRunner, type CommandRunner } from './command-runner.js';
import {
  SECURE_ATTEMPTS,
  type CredentialTarget,
  type CredentialWriteOptions,
  type SecureCurrentLogin,
  type TargetError,
  type TargetLockOptions,
} from './credential-target.js';
import { mergeCredentialsText, readCredentialsText, sameCredentials } from './credentials-json.js';
import { serialize } from './serial-queue.js';

export interface MacosKeychainTargetOptions {
  readonly paths: Pick<ClaudePaths, 'keychainService' | 'keychainAccount'> & Partial<Pick<ClaudePaths, 'configDir'>>;
  /** Default: the real runner. Tests pass a fake that records argv and stdin. */
  readonly run?: CommandRunner;
  /** Default `/usr/bin/security`. */
  readonly securityPath?: string;
  readonly lock?: TargetLockOptions;
  readonly logger?: Logger;
}

/** `security` exits 44 (errSecItemNotFound) when the item does not exist. */
export const SECURITY_ITEM_NOT_FOUND = 44;
/** `security -i` reads commands into a 4 KiB line buffer; Claude Code keeps 64 bytes of margin. */
export const SECURITY_STDIN_LINE_LIMIT = 4096 - 64;
const SAFE_ARGUMENT = /^[A-Za-z0-9 ._-]+$/;

/** Creates the keychain target. */
export function createMacosKeychainTarget(options: MacosKeychainTargetOptions): CredentialTarget {
  const run = options.run ?? createCommandRunner();
  const security = options.securityPath ?? '/usr/bin/security';
  const { keychainService: service, keychainAccount: account, configDir } = options.paths;
  const where = `keychain item "${service}"`;
  if (!SAFE_ARGUMENT.test(service) || !SAFE_ARGUMENT.test(account)) {
    throw new Error(`keychain service and account must match ${String(SAFE_ARGUMENT)}; resolve them with resolveClaudePaths`);
  }

  async function readText(): Promise<Result<string | null, TargetError>> {
    let result;
    try {
      result = await run(security, ['find-generic-password', '-a', account, '-w', '-s', service]);
    } catch (error) {
      return err({ kind: 'command-failed', message: `cannot run ${security} (${(error as Error).name})`, exitCode: null });
    }
    if (result.exitCode === SECURITY_ITEM_NOT_FOUND) return ok(null);
    if (result.exitCode !== 0) {
      return err({
        kind: 'command-failed',
        message: `reading the ${where} failed (security exited ${result.exitCode})`,
        exitCode: result.exitCode,
      });
    }
    return ok(decodeSecurityOutput(result.stdout));
  }

  async function read(): Promise<Result<OAuthCredentials | null, TargetError>> {
    const text = await readText();
    return text.ok ? readCredentialsText(text.value, where) : text;
  }

  /** The item's text once its login is secured and it did not change meanwhile (re-read, compared). */
  async function securedText(secure: SecureCurrentLogin | undefined): Promise<Result<string | null, TargetError>> {
    for (let attempt = 1; attempt <= SECURE_ATTEMPTS; attempt++) {
      const current = await readText();
      if (!current.ok || !secure) return current;
      const login = readCredentialsText(current.value, where);
      if (!login.ok) return login;
      const secured = await secure(login.value);
      if (!secured.ok) return err({ kind: 'not-secured', message: `the ${where} was left untouched: ${secured.error.message}` });
      const again = await readText();
      if (!again.ok || again.value === current.value) return again;
    }
    return err({ kind: 'conflict', message: `the ${where} kept changing while it was being switched; nothing was overwritten` });
  }

  async function writeItem(
    given: OAuthCredentials,
    secure?: SecureCurrentLogin,
    latest?: () => OAuthCredentials,
  ): Promise<Result<void, TargetError>> {
    const current = await securedText(secure);
    if (!current.ok) return current;
    const credentials = latest?.() ?? given;
    const merged = mergeCredentialsText(current.value, credentials, where);
    if (!merged.ok) return merged;
    const hex = Buffer.from(merged.value, 'utf8').toString('hex');
    const line = `add-generic-password -U -a "${account}" -s "${service}" -X "${hex}"\n`;
    let result;
    try {
      result =
        line.length <= SECURITY_STDIN_LINE_LIMIT
          ? await run(security, ['-i'], { stdin: line })
          : await run(security, ['add-generic-password', '-U', '-a', account, '-s', service, '-X', hex]);
    } catch (error) {
      return err({ kind: 'command-failed', message: `cannot run ${security} (${(error as Error).name})`, exitCode: null });
    }
    // `security -i` may exit 0 even when its command failed: the read-back below is the real check.
    if (result.exitCode !== 0) {
      return err({
        kind: 'command-failed',
        message: `writing the ${where} failed (security exited ${result.exitCode})`,
        exitCode: result.exitCode,
      });
    }
    const back = await read();
    if (!back.ok) return err({ kind: 'verify-failed', message: `reading the ${where} back failed: ${back.error.message}` });
    if (back.value === null || !sameCredentials(back.value, credentials)) {
      return err({ kind: 'verify-failed', message: `the ${where} does not hold the login just written` });
    }
    return ok(undefined);
  }

  async function write(credentials: OAuthCredentials, writeOptions: CredentialWriteOptions = {}): Promise<Result<void, TargetError>> {
    const { secureCurrent: secure, latest } = writeOptions;
    if (configDir === undefined) return writeItem(credentials, secure, latest);
    try {
      await mkdir(configDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      return err({ kind: 'io', message: `cannot create ${configDir} (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
    }
    const locks = await claudeCredentialLocks(configDir);
    const logger = options.logger;
    return withLocks(locks, { ...options.lock, ...(logger ? { logger } : {}) }, () => writeItem(credentials, secure, latest));
  }

  return {
    read,
    write: (credentials, writeOptions) => serialize(`keychain:${service}:${account}`, () => write(credentials, writeOptions)),
    describe: () => `macOS keychain item "${service}" (account ${account})`,
  };
}

/** `security -w` prints a value it considers binary as hex; decode that back to the JSON text. */
export function decodeSecurityOutput(stdout: string): string {
  const trimmed = stdout.trim();
  if (trimmed.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, 'hex').toString('utf8');
    if (decoded.trimStart().startsWith('{')) return decoded;
  }
  return trimmed;
}
