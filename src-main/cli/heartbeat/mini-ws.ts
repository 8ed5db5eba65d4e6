/**
 * A minimal WebSocket client (RFC 6455) over `node:net`, for the hook client that runs on every
 * Claude Code hook call: Node 20 has no global WebSocket and bundling `ws` would cost start-up time
 * on every call. It speaks text frames, answers pings, and closes cleanly; nothing more.
 */
import net from 'node:net';

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

// Masking only defends proxies between a browser and a server (RFC 6455 §10.3); the key and mask
// need no cryptographic strength here, and skipping node:crypto keeps the hook client cheap.
const randomBytes = (n: number): Buffer => {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (Math.random() * 256) | 0;
  return b;
};

/** Encodes one masked client frame. */
export function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + 4);
  header[0] = 0x80 | opcode;
  if (lengthBytes === 0) header[1] = 0x80 | length;
  else if (lengthBytes === 2) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(header, 2 + lengthBytes);
  const body = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) body[i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return Buffer.concat([header, body]);
}

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

  const key = randomBytes(16).toString('base64');
  const auth = options.token ? `Authorization: Bearer ${options.token}\r\n` : '';
  const request =
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${auth}\r\n`;

  let buffer: Buffer = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  const parseFrames = (): void => {
    for (;;) {
      if (buffer.length < 2) return;
      const b0 = buffer[0] as number;
      const b1 = buffer[1] as number;
      let length = b1 & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      // Servers never mask (RFC 6455 §5.1); a masked frame is a protocol error.
      if (b1 & 0x80) {
        socket.destroy();
        return;
      }
      if (buffer.length < offset + length) return;
      const payload = buffer.subarray(offset, offset + length);
      buffer = buffer.subarray(offset + length);
      const opcode = b0 & 0x0f;
      if (opcode === 0x1 || opcode === 0x0) {
        fragments.push(payload);
        if (b0 & 0x80) {
          const text = Buffer.concat(fragments).toString('utf8');
          fragments = [];
          textHandler(text);
        }
      } else if (opcode === 0x8) {
        closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        if (!socket.destroyed) socket.end(encodeFrame(0x8, payload.subarray(0, 2)));
      } else if (opcode === 0x9) {
        if (!socket.destroyed) socket.write(encodeFrame(0xa, Buffer.from(payload)));
      }
    }
  };

  await new Promise<void>((resolve, reject) => {
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
      socket.on('error', () => socket.destroy());
      socket.on('close', finish);
      socket.on('data', (data: Buffer) => {
        buffer = buffer.length ? Buffer.concat([buffer, data]) : data;
        parseFrames();
      });
      buffer = head.subarray(end + 4);
      resolve();
      if (buffer.length) setImmediate(parseFrames);
    };
    socket.on('data', onHandshake);
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
