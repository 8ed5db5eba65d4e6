/**
 * The only writer of "active": carries out a switch decided by the rotation policy (or the user).
 * Freshen the incoming token if it expires soon, then, under Claude Code's locks, harvest the
 * outgoing login from Claude Code's store and write the incoming one where Claude Code reads it
 * (only if the store still holds what was harvested; atomically, verified by the target), update
 * the identity block, and log the switch with the figures that caused it.
 */
import { err, ok, type Result } from '../../shared/result.js';
import type { IdentityTarget, CredentialTarget, SecureCurrentLogin } from '../claude-code/credential-targets/credential-target.js';
import type { EngineEvents } from '../engine-events.js';
import type { Logger, Clock } from '../ports.js';
import type { DecisionFigures, RotationTrigger, VelocityProjection } from './switch-types.js';
import type { AccountMeta } from '../storage/state-schema.js';
import type { TokenKeeper } from '../tokens/keeper-types.js';
import { fingerprint, type OAuthCredentials, type VaultRecord } from '../vault/credentials.js';
import { describeSwitch } from './switch-text.js';

export interface SwitchRequest {
  readonly fromId: string | null;
  readonly toId: string;
  readonly trigger: RotationTrigger;
  readonly figures: DecisionFigures;
  /** True when an over-long deferral is carried out despite a running tool call. */
  readonly forced: boolean;
  readonly velocity?: VelocityProjection;
  /** The session that held the switch back, when it was deferred. */
  readonly deferredForMs?: number;
}

export type SwitchError =
  | { readonly kind: 'no-login'; readonly message: string }
  | { readonly kind: 'needs-login'; readonly message: string }
  | { readonly kind: 'refresh-failed'; readonly message: string }
  | { readonly kind: 'write-failed'; readonly message: string };

export interface SwitcherDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EngineEvents;
  readonly credentialsTarget: CredentialTarget;
  /** Null where Claude Code keeps no identity file we may touch. */
  readonly identityTarget: IdentityTarget | null;
  readonly keeper: Pick<TokenKeeper, 'refreshNow'>;
  readonly recordOf: (accountId: string) => VaultRecord | null;
  readonly metaOf: (accountId: string) => AccountMeta | undefined;
  /** Re-reads Claude Code's store: harvests a login it refreshed, and recognises the new active account. */
  readonly syncActive: () => Promise<void>;
  /** Inside Claude Code's locks, right before the write: harvests the login about to be replaced. */
  readonly secureOutgoing: SecureCurrentLogin;
  /** Told the login about to be written into Claude Code's store, before the write (custody: that write is ours). */
  readonly writing?: (accountId: string, credentials: OAuthCredentials) => void;
  /**
   * After the switch (the incoming account active): writes a newer login of it over `written` when a
   * refresh of it landed while the switch wrote (its refresh token is spent).
   */
  readonly settleIncoming?: (accountId: string, written: OAuthCredentials) => Promise<void>;
  /** Freshen the incoming token when it expires within this; default 30 min. */
  readonly freshenWithinMs?: number;
}

export interface Switcher {
  /** Carries out one switch. The caller serialises calls (one decision at a time). */
  switchTo(request: SwitchRequest): Promise<Result<{ readonly atMs: number }, SwitchError>>;
  /**
   * Makes the identity block name `accountId` when it names another account (or none): after a kill
   * between a switch's two writes. True when it was rewritten.
   */
  repairIdentity(accountId: string): Promise<boolean>;
}

export function createSwitcher(deps: SwitcherDeps): Switcher {
  const freshenWithinMs = deps.freshenWithinMs ?? 30 * 60_000;
  const emailOf = (id: string | null) => (id === null ? 'an unknown login' : (deps.metaOf(id)?.email ?? id));

  async function incomingRecord(toId: string): Promise<Result<VaultRecord, SwitchError>> {
    const record = deps.recordOf(toId);
    if (!record) return err({ kind: 'no-login', message: `No stored login for ${emailOf(toId)}.` });
    if (record.needsLogin) return err({ kind: 'needs-login', message: `${emailOf(toId)} needs a new login.` });
    const nowMs = deps.clock.now();
    if (record.credentials.expiresAtMs - nowMs > freshenWithinMs) return ok(record);
    const refreshed = await deps.keeper.refreshNow(toId, 'before-activation');
    if (refreshed.ok) return ok(refreshed.value);
    const e = refreshed.error;
    if (e.kind === 'invalid-grant' || e.kind === 'needs-login') {
      return err({ kind: 'needs-login', message: `${emailOf(toId)} needs a new login (its refresh token was rejected).` });
    }
    // A token with some life left still works: Claude Code refreshes it itself when it runs out.
    if (record.credentials.expiresAtMs - nowMs > 60_000) {
      deps.logger.warn('could not freshen the incoming token; switching with the current one', { accountId: toId, reason: e.kind });
      return ok(record);
    }
    return err({ kind: 'refresh-failed', message: `Could not refresh the expired login of ${emailOf(toId)} (${e.kind}).` });
  }

  /** Writes the account's identity block; a failure is logged (the tokens decide, the block only labels). */
  async function writeIdentity(accountId: string): Promise<boolean> {
    const meta = deps.metaOf(accountId);
    if (!deps.identityTarget || !meta) return false;
    const identity = await deps.identityTarget.write({
      accountUuid: meta.id,
      emailAddress: meta.email,
      organizationUuid: meta.organizationUuid,
      displayName: meta.displayName,
      ...(meta.organizationName ? { organizationName: meta.organizationName } : {}),
    });
    if (!identity.ok) {
      deps.logger.warn('could not update the identity block', { target: deps.identityTarget.describe(), reason: identity.error.message });
    }
    return identity.ok;
  }

  return {
    async repairIdentity(accountId) {
      if (!deps.identityTarget) return false;
      const block = await deps.identityTarget.read();
      if (!block.ok || block.value?.accountUuid === accountId) return false;
      const repaired = await writeIdentity(accountId);
      if (repaired) deps.logger.info('repaired the identity block left by an interrupted switch', { accountId });
      return repaired;
    },
    async switchTo(request) {
      const { fromId, toId } = request;
      await deps.syncActive();
      const incoming = await incomingRecord(toId);
      if (!incoming.ok) return incoming;
      // The outgoing login is harvested inside Claude Code's locks, and the store is replaced only while
      // it still holds what was harvested: a refresh Claude Code made meanwhile is never lost.
      // Switching to the account Claude Code holds: the login just harvested is newer than ours, and wins.
      let wrote = incoming.value.credentials;
      const written = await deps.credentialsTarget.write(incoming.value.credentials, {
        secureCurrent: deps.secureOutgoing,
        latest: () => {
          wrote = deps.recordOf(toId)?.credentials ?? incoming.value.credentials;
          deps.writing?.(toId, wrote);
          return wrote;
        },
      });
      if (!written.ok) {
        return err({ kind: 'write-failed', message: `Could not write ${deps.credentialsTarget.describe()}: ${written.error.message}` });
      }
      await writeIdentity(toId);
      const atMs = deps.clock.now();
      const text = describeSwitch(request, emailOf);
      const data = {
        ...request.figures,
        trigger: request.trigger,
        toToken: fingerprint(incoming.value.credentials.accessToken),
        forced: request.forced,
        ...(request.velocity ? { window: request.velocity.window, projectedMs: Math.round(request.velocity.projectedMs) } : {}),
        ...(request.deferredForMs !== undefined ? { deferredForMs: request.deferredForMs } : {}),
      };
      deps.events.emit('account-switched', 'info', text, toId, data);
      if (request.velocity)
        deps.events.emit('velocity-preemptive-switch', 'info', text, toId, {
          window: request.velocity.window,
          projectedMs: Math.round(request.velocity.projectedMs),
        });
      if (request.forced) {
        deps.events.emit(
          'switch-forced',
          'warn',
          `The switch to ${emailOf(toId)} waited longer than allowed while ${emailOf(fromId)} was at its limit, ` +
            'so it was carried out during a running tool call.',
          toId,
          data,
        );
      }
      await deps.syncActive();
      // The token keeper may have refreshed the incoming account (while it was parked) as this switch
      // wrote its previous login: Claude Code must not be left holding the spent refresh token.
      await deps.settleIncoming?.(toId, wrote);
      return ok({ atMs });
    },
  };
}
