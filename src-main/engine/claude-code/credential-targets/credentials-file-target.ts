/**
 * The credentials-file target (Linux, Windows): `<configDir>/.credentials.json`, where Claude Code
 * reads `claudeAiOauth` before every request. A write replaces only that key, keeps every other
 * top-level key (MCP OAuth entries, …), goes through temp + fsync + rename with mode 0600, holds
 * Claude Code's refresh locks for the whole read-modify-write, and reads the file back to verify.
 */
import { mkdir } from 'node:fs/promises';
import { err, ok, type Result } from '../../../shared/result.js';
import type { Logger } from '../../ports.js';
import type { OAuthCredentials } from '../../vault/credentials.js';
import type { ClaudePaths } from '../claude-paths.js';
import { claudeCredentialLocks, withLocks } from './claude-locks.js';
import type { CredentialTarget, TargetError, TargetLockOptions } from './credential-target.js';
import { mergeCredentialsText, readCredentialsText, sameCredentials } from './credentials-json.js';
import { readTextIfExists, replaceFile } from './replace-file.js';
import { serialize } from './serial-queue.js';

export interface CredentialsFileTargetOptions {
  /** From `resolveClaudePaths`: the config dir (for the locks) and the credentials file. */
  readonly paths: Pick<ClaudePaths, 'configDir' | 'credentialsFile'>;
  readonly lock?: TargetLockOptions;
  readonly logger?: Logger;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Creates the credentials-file target. Creates the config dir (0700) on first write if missing. */
export function createCredentialsFileTarget(options: CredentialsFileTargetOptions): CredentialTarget {
  const { configDir, credentialsFile } = options.paths;
  const where = credentialsFile;

  async function read(): Promise<Result<OAuthCredentials | null, TargetError>> {
    const text = await readTextIfExists(credentialsFile);
    return text.ok ? readCredentialsText(text.value, where) : text;
  }

  async function writeLocked(credentials: OAuthCredentials): Promise<Result<void, TargetError>> {
    try {
      await mkdir(configDir, { recursive: true, mode: DIR_MODE });
    } catch (error) {
      return err({ kind: 'io', message: `cannot create ${configDir} (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
    }
    const locks = await claudeCredentialLocks(configDir);
    return withLocks(locks, { ...options.lock, ...(options.logger ? { logger: options.logger } : {}) }, async (guard) => {
      const replaced = await replaceFile(credentialsFile, (current) => mergeCredentialsText(current, credentials, where), {
        mode: FILE_MODE,
        guard,
      });
      if (!replaced.ok) return replaced;
      return verify(credentials);
    });
  }

  async function verify(expected: OAuthCredentials): Promise<Result<void, TargetError>> {
    const back = await read();
    if (!back.ok) return err({ kind: 'verify-failed', message: `reading ${where} back failed: ${back.error.message}` });
    if (back.value === null || !sameCredentials(back.value, expected)) {
      return err({ kind: 'verify-failed', message: `${where} does not hold the login just written` });
    }
    return ok(undefined);
  }

  return {
    read,
    write: (credentials) => serialize(`file:${credentialsFile}`, () => writeLocked(credentials)),
    describe: () => `Claude Code credentials file ${credentialsFile}`,
  };
}
