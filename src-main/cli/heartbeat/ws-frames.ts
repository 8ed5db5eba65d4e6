/**
 * WebSocket frames (RFC 6455 §5) for the hook client's minimal socket: encoding masked client frames
 * and reading the server's unmasked ones, text messages reassembled from their fragments.
 */

// Masking only defends proxies between a browser and a server (RFC 6455 §10.3); the key and mask
// need no cryptographic strength here, and skipping node:crypto keeps the hook client cheap.
export const randomBytes = (n: number): Buffer => {
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

/** What the reader found in the server's frames. */
export interface FrameHandlers {
  /** A complete text message. */
  text(text: string): void;
  /** A close frame, with its payload (code and reason). */
  close(payload: Buffer): void;
  /** A ping, with its payload (to echo in the pong). */
  ping(payload: Buffer): void;
  /** A masked frame, which servers never send (RFC 6455 §5.1): the connection must be dropped. */
  protocolError(): void;
}

export interface FrameReader {
  /** Adds received bytes without reading them yet. */
  append(data: Buffer): void;
  /** Reads every complete frame received so far. */
  read(): void;
  /** True when bytes wait to be read. */
  pending(): boolean;
}

/** Creates a reader of the server's frames. */
export function createFrameReader(on: FrameHandlers): FrameReader {
  let buffer: Buffer = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  return {
    append(data) {
      buffer = buffer.length ? Buffer.concat([buffer, data]) : data;
    },
    pending: () => buffer.length > 0,
    read() {
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
        if (b1 & 0x80) return on.protocolError();
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        const opcode = b0 & 0x0f;
        if (opcode === 0x1 || opcode === 0x0) {
          fragments.push(payload);
          if (b0 & 0x80) {
            const text = Buffer.concat(fragments).toString('utf8');
            fragments = [];
            on.text(text);
          }
        } else if (opcode === 0x8) {
          on.close(payload);
        } else if (opcode === 0x9) {
          on.ping(payload);
        }
      }
    },
  };
}
