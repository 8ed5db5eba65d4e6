/**
 * A minimal WebSocket client (RFC 6455) over `node:net`, for the hook client that runs on every
 * Claude Code hook call: Node 20 has no global WebSocket and bundling `ws` would cost start-up time
 * on every call. It speaks text frames, answers pings, and closes cleanly; nothing more. Frames are
 * in `ws-frames.ts`, the opening handshake in `ws-handshake.ts`.
 */
import net from 'node:net';
import { createFrameReader, encodeFrame, randomBytes } from './ws-frames.js';
import { awaitUpgrade, upgradeRequest } from './ws-handshake.js';

export interface MiniSocket {
  sendText(text: string): void;
  /** Called for every complete text message. */
  onText(handler: (text: string) => void): void;
  /** Called once when the connection ends, with the close code (1006 when none was sent). */
  onClose(handler: (code: number) => void): void;
  /** Sends a normal close frame and ends the connection. */
  close(): void;
}

export interface ConnectOptions {
  /** Sent as `Authorization: Bearer …` on the upgrade. */
  readonly token?: string | null;
  /** Gives up when the upgrade is not done within this; default 500 ms. */
  readonly timeoutMs?: number;
}

export { encodeFrame } from './ws-frames.js';

/** Opens a WebSocket to a `ws://` URL (or `wss://`, through `node:tls`). */
export async function connectWebSocket(url: URL, options: ConnectOptions = {}): Promise<MiniSocket> {
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  const port = Number(url.port) || (secure ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const socket: net.Socket = secure
    ? (await import('node:tls')).connect({ host, port, servername: net.isIP(host) ? undefined : host })
    : net.connect({ host, port });
  socket.setNoDelay(true);
  const timeoutMs = options.timeoutMs ?? 500;

  let textHandler: (text: string) => void = () => {};
  let closeHandler: (code: number) => void = () => {};
  let closeCode = 1006;
  let ended = false;
  const finish = (): void => {
    if (ended) return;
    ended = true;
    closeHandler(closeCode);
  };

  const frames = createFrameReader({
    text: (text) => textHandler(text),
    close(payload) {
      closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      if (!socket.destroyed) socket.end(encodeFrame(0x8, payload.subarray(0, 2)));
    },
    ping(payload) {
      if (!socket.destroyed) socket.write(encodeFrame(0xa, Buffer.from(payload)));
    },
    protocolError: () => socket.destroy(),
  });

  const request = upgradeRequest(url, randomBytes(16).toString('base64'), options.token);
  await awaitUpgrade(socket, secure, request, timeoutMs, (rest) => {
    socket.on('error', () => socket.destroy());
    socket.on('close', finish);
    socket.on('data', (data: Buffer) => {
      frames.append(data);
      frames.read();
    });
    frames.append(rest);
    if (frames.pending()) setImmediate(frames.read);
  });
  return {
    sendText: (text) => {
      if (!socket.destroyed) socket.write(encodeFrame(0x1, Buffer.from(text, 'utf8')));
    },
    onText: (handler) => {
      textHandler = handler;
    },
    onClose: (handler) => {
      closeHandler = handler;
      if (ended) handler(closeCode);
    },
    close: () => {
      if (socket.destroyed) return;
      const code = Buffer.alloc(2);
      code.writeUInt16BE(1000);
      socket.end(encodeFrame(0x8, code));
      // A server that never answers the close must not keep the process alive.
      setTimeout(() => socket.destroy(), 200).unref();
    },
  };
}
