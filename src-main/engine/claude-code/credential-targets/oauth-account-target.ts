/**
 * The identity target: the `oauthAccount` key of Claude Code's `.claude.json` (`~/.claude.json`, or
 * `<configDir>/.claude.json` with `CLAUDE_CONFIG_DIR`), which Claude Code shows as the logged-in
 * account. Claude Code rewrites this file often, so a write changes only that key's value in the
 * text (every other byte kept), holds `<file>.lock` as newer Claude Code versions do, and replaces
 * the file only if it is still what the change was based on — otherwise it redoes the change on
 * the fresh text. The file keeps its mode; a symlinked file stays a symlink.
 */
import { isDeepStrictEqual } from 'node:util';
import { err, ok, type Result } from '../../../shared/result.js';
import type { Logger } from '../../ports.js';
import type { ClaudePaths } from '../claude-paths.js';
import { claudeJsonLock, withLocks } from './claude-locks.js';
import type { IdentityTarget, OAuthAccountBlock, TargetError, TargetLockOptions } from './credential-target.js';
import { spliceTopLevelKey, type SpliceOutcome } from './json-splice.js';
import { readTextIfExists, replaceFile } from './replace-file.js';
import { serialize } from './serial-queue.js';

export interface OAuthAccountTargetOptions {
  readonly paths: Pick<ClaudePaths, 'claudeJson'>;
  readonly lock?: TargetLockOptions;
  readonly logger?: Logger;
  /** Told how each write was done (`splice` keeps every other byte); for tests and debug logs. */
  readonly onWritten?: (method: SpliceOutcome['method']) => void;
}

const KEY = 'oauthAccount';

/** Creates the `oauthAccount` identity target. */
export function createOAuthAccountTarget(options: OAuthAccountTargetOptions): IdentityTarget {
  const file = options.paths.claudeJson;

  async function read(): Promise<Result<OAuthAccountBlock | null, TargetError>> {
    const text = await readTextIfExists(file);
    if (!text.ok) return text;
    if (text.value === null || text.value.trim() === '') return ok(null);
    let document: unknown;
    try {
      document = JSON.parse(text.value);
    } catch {
      return err({ kind: 'invalid', message: `${file} is not valid JSON` });
    }
    const block = (document as Record<string, unknown> | null)?.[KEY];
    return ok(isAccountBlock(block) ? block : null);
  }

  async function writeLocked(block: OAuthAccountBlock): Promise<Result<void, TargetError>> {
    const logger = options.logger;
    return withLocks(claudeJsonLock(file), { ...options.lock, ...(logger ? { logger } : {}) }, async (guard) => {
      let method: SpliceOutcome['method'] = 'splice';
      const replaced = await replaceFile(
        file,
        (current) => {
          const spliced = spliceTopLevelKey(current, KEY, block, file);
          if (spliced.ok) method = spliced.value.method;
          return spliced.ok ? ok(spliced.value.text) : spliced;
        },
        { mode: 'preserve', guard },
      );
      if (!replaced.ok) return replaced;
      if (replaced.value.changed) {
        options.onWritten?.(method);
        logger?.debug('updated oauthAccount in Claude Code config', { file, method });
      }
      const back = await read();
      if (!back.ok || !isDeepStrictEqual(back.value, JSON.parse(JSON.stringify(block)))) {
        return err({ kind: 'verify-failed', message: `${file} does not hold the account identity just written` });
      }
      return ok(undefined);
    });
  }

  return {
    read,
    write: (block) => serialize(`file:${file}`, () => writeLocked(block)),
    describe: () => `Claude Code account identity (${KEY}) in ${file}`,
  };
}

function isAccountBlock(value: unknown): value is OAuthAccountBlock {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const block = value as Record<string, unknown>;
  return typeof block.accountUuid === 'string' && typeof block.emailAddress === 'string';
}
