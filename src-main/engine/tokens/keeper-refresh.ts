/**
 * One refresh of one account by the token keeper: save a pending refreshed login first (it is the
 * newest there is), never refresh a token Claude Code owns or a rejected login, spend the refresh
 * token once, and persist the rotated pair before anything else.
 */
import { err, type Result } from '../../shared/result.js';
import { fingerprint, type VaultRecord } from '../vault/credentials.js';
import type { KeeperError, TokenKeeperDeps } from './keeper-types.js';
import { backOff, callSafely, type Slot, type UnsavedWriter } from './keeper-slot.js';
import { isPlausibleLifetime, type RefreshReason } from './refresh-plan.js';

export interface RefreshContext {
  readonly deps: TokenKeeperDeps;
  readonly isOwned: (accountId: string) => boolean;
  readonly stopped: () => boolean;
  readonly flushUnsaved: UnsavedWriter;
  /** Accounts whose implausible token lifetime was already reported. */
  readonly warnedLifetime: Set<string>;
}

export async function refreshAccount(
  ctx: RefreshContext,
  id: string,
  reason: RefreshReason,
  slot: Slot,
): Promise<Result<VaultRecord, KeeperError>> {
  const { deps } = ctx;
  const { clock, vault, logger } = deps;
  // A refreshed pair that is not saved yet is the newest login there is: save it, never refresh again.
  if (slot.unsaved) return ctx.flushUnsaved(id, slot);
  if (ctx.stopped()) return err({ kind: 'stopped', message: 'the token keeper is stopped' });
  if (ctx.isOwned(id)) return err({ kind: 'owned-by-claude-code', message: 'Claude Code owns this token; it refreshes it itself' });
  await deps.beforeRefresh?.(id);
  const read = await vault.read(id);
  if (!read.ok) {
    backOff(slot, null, clock.now());
    return err({ kind: 'vault-failed', message: read.error.message });
  }
  const record = read.value;
  if (record === null) return err({ kind: 'no-login', message: 'no login is stored for this account' });
  const refreshFp = fingerprint(record.credentials.refreshToken);
  if (record.needsLogin || slot.rejectedRefreshFp === refreshFp) {
    return err({ kind: 'needs-login', message: 'the login was rejected; log in again' });
  }
  const result = await deps.client.refresh(record.credentials, clock.now());
  const nowMs = clock.now();
  if (result.ok) {
    slot.unsaved = { version: 1, credentials: result.value, refreshedAtMs: nowMs, refreshPath: 'auto', needsLogin: false };
    slot.replaced = record.credentials;
    Object.assign(slot, { failures: 0, retryAtMs: null, failedRefreshFp: null });
    logger.info('token refreshed', { accountId: id, reason, fingerprint: fingerprint(result.value.accessToken) });
    const lifetimeMs = result.value.expiresAtMs - nowMs;
    if (!isPlausibleLifetime(lifetimeMs) && !ctx.warnedLifetime.has(id)) {
      ctx.warnedLifetime.add(id);
      callSafely(logger, () => deps.onImplausibleLifetime?.(id, lifetimeMs), 'onImplausibleLifetime', id);
    }
    return ctx.flushUnsaved(id, slot);
  }
  const error = result.error;
  if (error.kind === 'invalid-grant') {
    slot.rejectedRefreshFp = refreshFp;
    logger.warn('refresh token rejected; the account needs a new login', { accountId: id, reason });
    const marked = await vault.write(id, { ...record, needsLogin: true });
    if (!marked.ok) logger.error('could not mark the account as needing a login', { accountId: id, error: marked.error.message });
  } else {
    const retryInMs = backOff(slot, refreshFp, clock.now());
    logger.warn('token refresh failed', { accountId: id, reason, kind: error.kind, attempt: slot.failures, retryInMs });
  }
  callSafely(logger, () => deps.onFailed(id, error), 'onFailed', id);
  return err(error);
}
