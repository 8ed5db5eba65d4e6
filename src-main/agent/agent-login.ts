/**
 * What the agent does with logins: writes a pushed login — an access token only, the hub never
 * sends a refresh token — with the same credential targets and locks as a local switch (credentials
 * file or macOS keychain, with no `refreshToken` key, then the `.claude.json` identity), verifies it
 * and only then acknowledges; refuses an older generation than one already seen for that account.
 *
 * Never lose a login: a full login (with a refresh token) in this machine's store — Claude Code
 * refreshed one, or someone ran `/login` here, of any account — is sent to the hub (`harvest`) and
 * written over only once the hub confirms it holds it or a newer one (`harvested`). Without that
 * confirmation (the hub could not take it, or did not answer in time) the push is refused and the
 * login stays where it is.
 */
import { type CredentialTarget, fingerprint, type IdentityTarget, type Logger, type OAuthCredentials } from '../engine/index.js';
import { err, ok } from '../shared/result.js';
import type { HubMessage, WireIdentity } from '../shared/machines-protocol.js';
import { acceptsGeneration, type AgentStateStore } from './agent-state.js';

export interface LoginHandlerOptions {
  readonly state: AgentStateStore;
  readonly credentialsTarget: CredentialTarget;
  readonly identityTarget: IdentityTarget | null;
  readonly logger: Logger;
  /** Sends one agent message to the hub (dropped when the socket is not open). */
  readonly send: (message: object) => void;
  /** How long to wait for the hub to confirm a harvested login before leaving it in place; default 10 s. */
  readonly harvestTimeoutMs?: number;
}

export interface LoginHandler {
  /** On (re)connect, before `hello`: a full login in this machine's store goes to the hub first. */
  harvestLocal(): Promise<void>;
  apply(message: Extract<HubMessage, { type: 'login' }>): Promise<void>;
  /** The hub's answer to a harvest (handled at once, not queued behind `apply`). */
  harvested(message: Extract<HubMessage, { type: 'harvested' }>): void;
}

type HarvestAnswer = Extract<HubMessage, { type: 'harvested' }>['outcome'] | 'no-answer';

export function createLoginHandler(options: LoginHandlerOptions): LoginHandler {
  const { state, logger, send } = options;
  const harvestTimeoutMs = options.harvestTimeoutMs ?? 10_000;
  /** Refresh-token fingerprints of full logins the hub confirmed holding (or holding newer). */
  const secured = new Set<string>();
  const waiting = new Map<string, Promise<HarvestAnswer>>();
  const answers = new Map<string, (answer: HarvestAnswer) => void>();

  const askHub = (login: OAuthCredentials, refreshFp: string, assignedAccountId: string): Promise<HarvestAnswer> => {
    const pending = waiting.get(refreshFp);
    if (pending) return pending;
    const held = state.get().held;
    const answer = new Promise<HarvestAnswer>((resolve) => {
      const timer = setTimeout(() => answers.get(refreshFp)?.('no-answer'), harvestTimeoutMs);
      answers.set(refreshFp, (a) => {
        clearTimeout(timer);
        answers.delete(refreshFp);
        waiting.delete(refreshFp);
        resolve(a);
      });
    });
    waiting.set(refreshFp, answer);
    logger.info('this machine holds a full login the hub has not confirmed; sending it to the hub first', { refreshFp });
    send({
      type: 'harvest',
      accountId: held?.accountId ?? assignedAccountId,
      generation: held?.generation ?? 0,
      login: { ...login, scopes: [...login.scopes] },
    });
    return answer;
  };

  /** True when `current` may be written over: no refresh token in it, or the hub holds it (or newer). */
  const secure = async (current: OAuthCredentials | null, assignedAccountId: string): Promise<boolean> => {
    if (current === null || current.refreshToken === '') return true;
    const refreshFp = fingerprint(current.refreshToken);
    if (secured.has(refreshFp)) return true;
    const answer = await askHub(current, refreshFp, assignedAccountId);
    if (answer === 'stored' || answer === 'kept-newer') {
      secured.add(refreshFp);
      return true;
    }
    logger.warn(
      'this machine holds a full login the hub did not take; it is left in place and the hub’s login is not written. ' +
        'Import it on the hub (ccmax-monitor accounts import) or log out of Claude Code here',
      { refreshFp, answer },
    );
    return false;
  };

  const harvestLocal = async (): Promise<void> => {
    const current = await options.credentialsTarget.read();
    if (current.ok) await secure(current.value, state.get().held?.accountId ?? 'unassigned');
  };

  const writeIdentity = async (id: WireIdentity | null): Promise<void> => {
    if (!options.identityTarget || !id) return;
    const identity = await options.identityTarget.write({
      accountUuid: id.accountUuid,
      emailAddress: id.emailAddress,
      organizationUuid: id.organizationUuid,
      displayName: id.displayName,
    });
    if (!identity.ok) logger.warn('wrote the login but not the identity block', { reason: identity.error.message });
  };

  const refuse = (accountId: string, generation: number, reason: string): void => {
    logger.warn('could not write the login from the hub', { accountId, generation, reason });
    send({ type: 'refused', accountId, generation, reason: reason.slice(0, 400) });
  };

  const apply = async (message: Extract<HubMessage, { type: 'login' }>): Promise<void> => {
    const { accountId, generation } = message;
    if (!acceptsGeneration(state.get(), accountId, generation)) {
      logger.warn('refused an older login from the hub', { accountId, generation, seen: state.get().seen[accountId] ?? 0 });
      send({ type: 'refused', accountId, generation, reason: 'older than a generation this machine already saw' });
      return;
    }
    // Access token only: written with no refresh token, so Claude Code here never refreshes.
    const login: OAuthCredentials = { ...message.login, refreshToken: '' };
    // Ask the hub about a full login here before taking Claude Code's locks (not while holding them);
    // inside them the check repeats, and is instant unless the store changed meanwhile.
    const stored = await options.credentialsTarget.read();
    if (stored.ok && !(await secure(stored.value, accountId)))
      return refuse(accountId, generation, 'this machine holds a full login the hub did not take; left in place');
    const written = await options.credentialsTarget.write(login, {
      // Inside Claude Code's locks: a full login stored here reaches the hub before it is written over.
      secureCurrent: async (current) =>
        (await secure(current, accountId))
          ? ok(undefined)
          : err({ message: 'this machine holds a full login the hub did not take; left in place' }),
    });
    if (!written.ok) return refuse(accountId, generation, written.error.message);
    await writeIdentity(message.identity);
    const fp = fingerprint(login.accessToken);
    const before = state.get();
    await state.set({
      ...before,
      seen: { ...before.seen, [accountId]: Math.max(generation, before.seen[accountId] ?? 0) },
      held: { accountId, generation, fingerprint: fp, expiresAtMs: login.expiresAtMs },
    });
    logger.info('holding the login the hub assigned (access token only)', { accountId, generation, fingerprint: fp });
    send({ type: 'ack', accountId, generation, fingerprint: fp, expiresAtMs: login.expiresAtMs });
  };

  const harvested = (message: Extract<HubMessage, { type: 'harvested' }>): void => {
    answers.get(message.refreshFingerprint)?.(message.outcome);
  };

  return { harvestLocal, apply, harvested };
}
