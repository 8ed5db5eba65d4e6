/**
 * The credentials-file target (Linux, Windows): `<configDir>/.credentials.json`, where Claude Code
 * reads `claudeAiOauth` before every request. A write replaces only that key, keeps every other
 * top-level key (MCP OAuth entries, …), goes through temp + fsync + rename with mode 0600, holds
 * Claude Code's refresh locks for the whole read-modify-write, and reads the file back to verify.
 * With `secureCurrent`, the login stored now is handed over (harvested) inside those locks first,
 * and the file is replaced only while it still holds that login.
 */
import { mkdir } from 'node:fs/promises';
import { err, ok, type Result } from '../../../shared/result.js';
import type { Logger } from '../../ports.js';
import type { OAuthCredentials } from '../../vault/credentials.js';
import type { ClaudePaths } from '../claude-paths.js';
import { claudeCredentialLocks, withLocks } from './claude-locks.js';
import {
  SECURE_ATTEMPTS,
  sameLoginOrNone,
  type CredentialTarget,
  type SecureCurrentLogin,
  type TargetError,
  type TargetLockOptions,
} from './credential-target.js';
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

  async function writeLocked(
    given: OAuthCredentials,
    secure?: SecureCurrentLogin,
    latest?: () => OAuthCredentials,
  ): Promise<Result<void, TargetError>> {
    try {
      await mkdir(configDir, { recursive: true, mode: DIR_MODE });
    } catch (error) {
      return err({ kind: 'io', message: `cannot create ${configDir} (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
    }
    const locks = await claudeCredentialLocks(configDir);
    return withLocks(locks, { ...options.lock, ...(options.logger ? { logger: options.logger } : {}) }, async (guard) => {
      for (let attempt = 1; attempt <= (secure ? SECURE_ATTEMPTS : 1); attempt++) {
        // Harvest inside the locks: Claude Code cannot refresh between this read and our rename.
        let basis: OAuthCredentials | null = null;
        if (secure) {
          const current = await read();
          if (!current.ok) return current;
          basis = current.value;
          const secured = await secure(basis);
          if (!secured.ok) return err({ kind: 'not-secured', message: `${where} was left untouched: ${secured.error.message}` });
        }
        const credentials = latest?.() ?? given;
        let moved = false;
        const replaced = await replaceFile(
          credentialsFile,
          (text) => {
            if (secure) {
              // Compare-before-write: only the login that was just secured may be replaced.
              const now = readCredentialsText(text, where);
              if (!now.ok) return now;
              if (!sameLoginOrNone(now.value, basis)) {
                moved = true;
                return err({ kind: 'conflict', message: `${where} changed while it was being switched` });
              }
            }
            return mergeCredentialsText(text, credentials, where);
          },
          { mode: FILE_MODE, guard },
        );
        if (moved) continue;
        if (!replaced.ok) return replaced;
        return verify(credentials);
      }
      return err({ kind: 'conflict', message: `${where} kept changing while it was being switched; nothing was overwritten` });
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
    write: (credentials, writeOptions) =>
      serialize(`file:${credentialsFile}`, () => writeLocked(credentials, writeOptions?.secureCurrent, writeOptions?.latest)),
    describe: () => `Claude Code credentials file ${credentialsFile}`,
  };
}
