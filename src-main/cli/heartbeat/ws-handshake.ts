/** The client side of the WebSocket opening handshake (RFC 6455 §4.1), bounded in time and size. */
import type net from 'node:net';

/** The upgrade request for `url`, with a bearer token when there is one. */
export function upgradeRequest(url: URL, key: string, token: string | null | undefined): string {
  const auth = token ? `Authorization: Bearer ${token}\r\n` : '';
  return (
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${auth}\r\n`
  );
}

/**
 * Sends `request` once `socket` connects and waits for `101 Switching Protocols`; rejects (and
 * destroys the socket) on another status, an error, a close, an oversized answer or after
 * `timeoutMs`. On success the handshake's listeners are gone and `opened` gets the bytes that
 * followed the answer's head, before the promise resolves.
 */
export function awaitUpgrade(
  socket: net.Socket,
  secure: boolean,
  request: string,
  timeoutMs: number,
  opened: (rest: Buffer) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no WebSocket upgrade within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('connection closed during the upgrade')));
    socket.on(secure ? 'secureConnect' : 'connect', () => socket.write(request));
    let head: Buffer = Buffer.alloc(0);
    const onHandshake = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 8192) fail(new Error('oversized upgrade response'));
        return;
      }
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1];
      if (status !== '101') {
        fail(new Error(`upgrade refused with HTTP ${status ?? '?'}`));
        return;
      }
      clearTimeout(timer);
      socket.off('data', onHandshake);
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      opened(head.subarray(end + 4));
      resolve();
    };
    socket.on('data', onHandshake);
  });
}
