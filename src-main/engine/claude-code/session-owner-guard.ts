/**
 * Claude Code's session-owner guard (issue 9 item 2): 2.1.331+ blocks an interactive session after
 * the stored login changes account when the feature flag `tengu_ticklish_moon` is on. The CLI caches
 * its flags in `.claude.json` (`cachedGrowthBookFeatures`, else the older `cachedFeatureFlags`; a
 * boolean per flag, default off) — see `CLAUDE_CODE_FACTS.sessionOwnerGuardFlag`. This reads the
 * flag from every config the engine knows, re-parsing a file only when its mtime, size or inode moved
 * (a stat per file per check: cheap enough for the 10 s detect tick).
 */
import { readFile, stat } from 'node:fs/promises';
import { CLAUDE_CODE_FACTS } from '../../shared/claude-code-facts.js';
import type { GuardConfigState, SessionOwnerGuardView } from '../../shared/view-model.js';

export interface SessionOwnerGuardOptions {
  /** The `.claude.json` files of every Claude Code config the engine knows. */
  readonly files: readonly string[];
  /** Largest file parsed; a bigger one counts as unreadable. Default 64 MiB. */
  readonly maxBytes?: number;
}

export interface SessionOwnerGuard {
  /** Re-reads the configs whose file changed; resolves true when the view changed. Never rejects. */
  check(): Promise<boolean>;
  /** What the last check found (all `unset` before the first). */
  view(): SessionOwnerGuardView;
  /** True when the flag is on in any known config. */
  isOn(): boolean;
}

const FLAG = CLAUDE_CODE_FACTS.sessionOwnerGuardFlag.value;

/** The flag's state in one `.claude.json` text, as Claude Code 2.1.331 reads it (`cachedGrowthBookFeatures ?? cachedFeatureFlags`). */
export function guardFlagIn(text: string): GuardConfigState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'unreadable';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'unreadable';
  const config = json as { cachedGrowthBookFeatures?: unknown; cachedFeatureFlags?: unknown };
  const features = config.cachedGrowthBookFeatures ?? config.cachedFeatureFlags;
  if (typeof features !== 'object' || features === null) return 'unset';
  const value = (features as Record<string, unknown>)[FLAG];
  if (typeof value !== 'boolean') return 'unset';
  return value ? 'on' : 'off';
}

/** Creates the guard reader; nothing is read until `check()`. */
export function createSessionOwnerGuard(options: SessionOwnerGuardOptions): SessionOwnerGuard {
  const files = [...new Set(options.files)];
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  /** Per file: the stat key the state was read at, and the state. */
  const seen = new Map<string, { readonly key: string; readonly state: GuardConfigState }>();
  const lastGood = new Map<string, GuardConfigState>();
  let current: SessionOwnerGuardView = { on: false, configs: files.map((path) => ({ path, state: 'unset' })) };

  async function readOne(path: string): Promise<GuardConfigState> {
    let key: string;
    try {
      const s = await stat(path);
      key = `${s.ino}:${s.size}:${s.mtimeMs}`;
      if (seen.get(path)?.key === key) return seen.get(path)?.state ?? 'unset';
      if (s.size > maxBytes) {
        seen.set(path, { key, state: 'unreadable' });
        return 'unreadable';
      }
    } catch (error) {
      seen.delete(path);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return 'unreadable';
      lastGood.delete(path);
      return 'unset';
    }
    let state: GuardConfigState;
    try {
      state = guardFlagIn(await readFile(path, 'utf8'));
    } catch {
      state = 'unreadable';
    }
    // Claude Code rewrites the file often: a text caught mid-write keeps the last good state and is
    // read again on the next check.
    if (state === 'unreadable') return lastGood.get(path) ?? 'unreadable';
    seen.set(path, { key, state });
    lastGood.set(path, state);
    return state;
  }

  return {
    async check() {
      const configs = await Promise.all(files.map(async (path) => ({ path, state: await readOne(path) })));
      const next: SessionOwnerGuardView = { on: configs.some((c) => c.state === 'on'), configs };
      const changed = next.on !== current.on || next.configs.some((c, i) => c.state !== current.configs[i]?.state);
      current = next;
      return changed;
    },
    view: () => current,
    isOn: () => current.on,
  };
}
