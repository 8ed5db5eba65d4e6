/** A small dashboard-socket client for tests: collects messages, sends calls, awaits results and the close. */
import { WebSocket } from 'ws';
import type { CommandResult } from '../../src-main/shared/contract.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';

export interface ReceivedMessage {
  readonly type: string;
  readonly id?: number;
  readonly result?: CommandResult<unknown>;
  readonly snapshot?: FleetSnapshot;
}

export interface TestClient {
  readonly ws: WebSocket;
  /** Every message received, parsed, in order. */
  readonly messages: ReceivedMessage[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves when a message matching `predicate` has arrived (at any time so far). */
  waitFor(predicate: (m: ReceivedMessage) => boolean): Promise<ReceivedMessage>;
  /** Sends a call and resolves with its result. */
  call(name: string, args?: unknown, id?: number): Promise<CommandResult<unknown>>;
  /** Results received so far, by call id. */
  results(): ReceivedMessage[];
}

const opened: WebSocket[] = [];
let nextId = 1000;

/** Opens `/api/ws` on 127.0.0.1:`port`; resolves once the first snapshot arrived. */
export async function connect(port: number): Promise<TestClient> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, { headers: { host: `127.0.0.1:${port}` }, maxPayload: 64 * 1024 * 1024 });
  opened.push(ws);
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as ReceivedMessage);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const w of [...waiters]) w();
    }),
  );
  const waitFor = (predicate: (m: ReceivedMessage) => boolean): Promise<ReceivedMessage> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const hit = messages.find(predicate);
        if (hit) {
          waiters.delete(check);
          resolve(hit);
        } else if (ws.readyState === WebSocket.CLOSED) {
          waiters.delete(check);
          reject(new Error('the socket closed before the message arrived'));
        }
      };
      waiters.add(check);
      check();
    });
  const client: TestClient = {
    ws,
    messages,
    closed,
    waitFor,
    async call(name, args = {}, id = nextId++) {
      ws.send(JSON.stringify({ type: 'call', id, name, args }));
      const message = await waitFor((m) => m.type === 'result' && m.id === id);
      return message.result as CommandResult<unknown>;
    },
    results: () => messages.filter((m) => m.type === 'result'),
  };
  await waitFor((m) => m.type === 'snapshot');
  return client;
}

/** Terminates every client opened so far (for `afterEach`). */
export function terminateAll(): void {
  for (const ws of opened.splice(0)) ws.terminate();
}
