/**
 * What the agent does with logins: writes a pushed login with the same credential targets and
 * locks as a local switch (credentials file or macOS keychain, then the `.claude.json` identity),
 * verifies it and only then acknowledges; refuses an older generation than one already seen for
 * that account; and sends the hub first any login this machine's Claude Code refreshed on its own.
 */
import { type CredentialTarget, fingerprint, type IdentityTarget, type Logger } from '../engine/index.js';
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
}

export interface LoginHandler {
  /** A login this machine's Claude Code refreshed itself: the store holds the assigned account, but not the token we wrote. */
  harvestLocal(): Promise<void>;
  apply(message: Extract<HubMessage, { type: 'login' }>): Promise<void>;
}

export function createLoginHandler(options: LoginHandlerOptions): LoginHandler {
  const { state, logger, send } = options;

  const harvestLocal = async (): Promise<void> => {
    const held = state.get().held;
    if (held === null) return;
    const current = await options.credentialsTarget.read();
    if (!current.ok || current.value === null || fingerprint(current.value.accessToken) === held.fingerprint) return;
    logger.info('this machine refreshed its login while away from the hub; sending it to the hub first', { accountId: held.accountId });
    send({
      type: 'harvest',
      accountId: held.accountId,
      generation: held.generation,
      login: { ...current.value, scopes: [...current.value.scopes] },
    });
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

  const apply = async (message: Extract<HubMessage, { type: 'login' }>): Promise<void> => {
    const { accountId, generation, login } = message;
    if (!acceptsGeneration(state.get(), accountId, generation)) {
      logger.warn('refused an older login from the hub', { accountId, generation, seen: state.get().seen[accountId] ?? 0 });
      send({ type: 'refused', accountId, generation, reason: 'older than a generation this machine already saw' });
      return;
    }
    const held = state.get().held;
    const written = await options.credentialsTarget.write(login, {
      // Inside Claude Code's locks: a login it refreshed since our last write goes to the hub first.
      secureCurrent: async (current) => {
        if (current === null || held === null) return ok(undefined);
        if (fingerprint(current.accessToken) === held.fingerprint || current.accessToken === login.accessToken) return ok(undefined);
        send({
          type: 'harvest',
          accountId: held.accountId,
          generation: held.generation,
          login: { ...current, scopes: [...current.scopes] },
        });
        return held.accountId === accountId
          ? err({ message: 'this machine holds a newer login for that account; sent it to the hub' })
          : ok(undefined);
      },
    });
    if (!written.ok) {
      logger.warn('could not write the login from the hub', { accountId, generation, reason: written.error.message });
      send({ type: 'refused', accountId, generation, reason: written.error.message.slice(0, 400) });
      return;
    }
    await writeIdentity(message.identity);
    const fp = fingerprint(login.accessToken);
    const before = state.get();
    await state.set({
      ...before,
      seen: { ...before.seen, [accountId]: Math.max(generation, before.seen[accountId] ?? 0) },
      held: { accountId, generation, fingerprint: fp },
    });
    logger.info('holding the login the hub assigned', { accountId, generation, fingerprint: fp });
    send({ type: 'ack', accountId, generation, fingerprint: fp });
  };

  return { harvestLocal, apply };
}
