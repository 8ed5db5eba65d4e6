/**
 * An agent holds an access token only (the hub keeps every refresh token), so the hub's pushes are
 * the only way its token stays fresh. When the held token comes within `warningMs` of its expiry
 * and no newer one arrived — the hub is out of reach, or could not refresh — this says so in the
 * log, and again when it has expired: Claude Code on this machine cannot make requests until the
 * hub is back. Nothing is revoked; the next push from the hub ends it.
 */
import type { Logger } from '../engine/index.js';
import type { HeldLogin } from '../shared/machines-protocol.js';

export interface ExpiryWatchOptions {
  readonly held: () => HeldLogin | null;
  readonly connected: () => boolean;
  readonly logger: Logger;
  /** How long before expiry to warn; default 20 min (the hub pushes a fresh token at least 30 min ahead). */
  readonly warningMs?: number;
  readonly nowMs?: () => number;
}

export interface ExpiryWatch {
  /** Re-reads the held login and schedules its warnings (after a write, a connect or a disconnect). */
  rearm(): void;
  stop(): void;
}

/** setTimeout's longest delay (about 24.8 days); a later warning is re-armed when this fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export function watchHeldExpiry(options: ExpiryWatchOptions): ExpiryWatch {
  const warningMs = options.warningMs ?? 20 * 60_000;
  const nowMs = options.nowMs ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  /** `fingerprint:stage` already said, so each warning is logged once per held token. */
  const said = new Set<string>();

  const clear = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };

  const say = (held: HeldLogin & { expiresAtMs: number }, expired: boolean): void => {
    const key = `${held.fingerprint}:${expired ? 'expired' : 'soon'}`;
    if (said.has(key)) return;
    said.add(key);
    const why = options.connected() ? 'the hub has not sent a newer one' : 'the hub is out of reach';
    const data = { accountId: held.accountId, generation: held.generation, expiresAt: new Date(held.expiresAtMs).toISOString() };
    if (expired) {
      options.logger.error(
        `the access token this machine holds has expired and ${why}: Claude Code here cannot make requests until the hub is back ` +
          '(nothing is revoked)',
        data,
      );
    } else {
      const inMin = Math.max(0, Math.round((held.expiresAtMs - nowMs()) / 60_000));
      options.logger.warn(
        `the access token this machine holds expires in ${inMin} min and ${why}; this machine has no refresh token, ` +
          'so after that Claude Code here cannot make requests until the hub is back (nothing is revoked)',
        data,
      );
    }
  };

  const rearm = (): void => {
    clear();
    const held = options.held();
    if (held === null || held.expiresAtMs === null) return;
    const expiresAtMs = held.expiresAtMs;
    const now = nowMs();
    const stageAtMs = now >= expiresAtMs - warningMs ? expiresAtMs : expiresAtMs - warningMs;
    if (now >= expiresAtMs - warningMs) say({ ...held, expiresAtMs }, now >= expiresAtMs);
    if (now >= expiresAtMs) return;
    timer = setTimeout(rearm, Math.min(MAX_DELAY_MS, Math.max(0, stageAtMs - now)));
    timer.unref();
  };

  return { rearm, stop: clear };
}
