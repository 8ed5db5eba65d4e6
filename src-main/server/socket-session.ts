/**
 * The protocol core of one dashboard socket connection, knowing no transport: it reads client text
 * messages, answers pings, runs contract calls through the command handlers within the
 * connection's limits, and says when to close. `snapshot-socket.ts` wires it to a `ws` socket.
 */
import type { Logger } from '../engine/index.js';
import type { CommandErrorCode, CommandHandlers, CommandName, CommandResult } from '../shared/contract.js';
import { COMMAND_NAMES } from '../shared/contract.js';
import { err } from '../shared/result.js';
import { createCallLimiter, type CallLimits } from './call-limiter.js';
import { CloseCode } from './close-codes.js';
import { parseClientMessage, type DashboardServerMessage } from './socket-protocol.js';

export interface SocketSessionOptions {
  readonly handlers: CommandHandlers;
  readonly limits: CallLimits;
  readonly logger: Logger;
  /** Epoch ms, for the rate limit. */
  readonly now: () => number;
  /** Sends one message to the client (a no-op once the socket is gone). */
  readonly send: (message: DashboardServerMessage) => void;
  /** Closes the connection; the session ignores everything after it. */
  readonly close: (code: CloseCode, reason: string) => void;
}

export interface SocketSession {
  /** Handles one text message from the client. */
  receive(text: string): void;
  /** Calls started and not yet answered. */
  readonly inFlight: number;
}

const failed = (code: CommandErrorCode, message: string): CommandResult<never> => err({ code, message });

/** Creates the session of one connection. */
export function createSocketSession(options: SocketSessionOptions): SocketSession {
  const { handlers, limits, logger, send } = options;
  const limiter = createCallLimiter(limits, options.now);
  let inFlight = 0;
  let closed = false;

  const close = (code: CloseCode, reason: string): void => {
    closed = true;
    options.close(code, reason);
  };

  const answer = (id: number, result: CommandResult<unknown>): void => {
    if (!closed) send({ type: 'result', id, result });
  };

  const run = (id: number, name: CommandName, args: unknown): void => {
    inFlight++;
    const startedMs = options.now();
    const handler = handlers[name] as (args: unknown) => Promise<CommandResult<unknown>>;
    let running: Promise<CommandResult<unknown>>;
    try {
      running = handler(args);
    } catch (error) {
      running = Promise.reject(error);
    }
    // The handlers never reject by contract; the catch keeps a broken one from leaking a rejection.
    running
      .catch((error: unknown): CommandResult<unknown> => {
        logger.error('dashboard socket: a command handler threw', { name, error: error instanceof Error ? error.message : String(error) });
        return failed('internal', `${name} failed inside ccmax-monitor; the server log has the details.`);
      })
      .then((result) => {
        inFlight--;
        // Never the arguments: addFromCredentialsJson carries a login.
        logger.debug('dashboard call', { name, ok: result.ok, durationMs: options.now() - startedMs });
        answer(id, result);
      })
      .catch((error: unknown) =>
        logger.error('dashboard socket: sending a result failed', { name, error: error instanceof Error ? error.message : String(error) }),
      );
  };

  return {
    get inFlight() {
      return inFlight;
    },
    receive(text) {
      if (closed) return;
      const message = parseClientMessage(text);
      if (message.kind === 'invalid') return close(CloseCode.BadRequest, message.reason);
      const admission = limiter.admit();
      if (admission === 'abusive') {
        logger.warn('dashboard socket: closing a client that kept calling over its rate limit', { callsPerSec: limits.callsPerSec });
        return close(CloseCode.TooManyRequests, `too many calls: keep under ${limits.callsPerSec} a second`);
      }
      if (message.kind === 'ping') {
        // A ping over the limit is dropped silently; it still counted towards the close.
        if (admission === 'accepted') send({ type: 'pong' });
        return;
      }
      const { id } = message;
      if (admission === 'limited') {
        return answer(
          id,
          failed(
            'rate-limited',
            `Too many calls on this connection (at most ${limits.callsPerSec} a second); wait a moment and try again.`,
          ),
        );
      }
      if (message.kind === 'unknown-command') {
        const shown = message.name.length > 60 ? `${message.name.slice(0, 60)}…` : message.name;
        return answer(id, failed('unknown-command', `There is no command "${shown}"; the commands are ${COMMAND_NAMES.join(', ')}.`));
      }
      if (inFlight >= limits.maxInFlight) {
        return answer(
          id,
          failed('busy', `${limits.maxInFlight} calls are already running on this connection; wait for a result before sending more.`),
        );
      }
      run(id, message.name, message.args);
    },
  };
}
