/** Starts a real server on 127.0.0.1:0 over the fake engine, with a temp renderer dir; raw HTTP helpers. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../src-main/engine/ports.js';
import { createHttpServer, type HttpServerHandle, type HttpServerOptions } from '../../src-main/server/http-server.js';
import { FakeEngine } from '../fakes/fake-engine.js';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

/** A logger that keeps every entry, so tests can assert what was (and was not) logged. */
export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  debug(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'debug', message, ...(fields ? { fields } : {}) });
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }
  /** Everything logged, as one string. */
  text(): string {
    return JSON.stringify(this.entries);
  }
}

export interface Harness {
  readonly server: HttpServerHandle;
  readonly engine: FakeEngine;
  readonly logger: RecordingLogger;
  /** The temp dir: `renderer/` is served, `secret.txt` sits outside it. */
  readonly tempDir: string;
  readonly rendererDir: string;
  /** `127.0.0.1:<port>`, the Host header a loopback client sends. */
  readonly hostHeader: string;
  stop(): Promise<void>;
}

export const INDEX_HTML = '<!doctype html><title>dash</title><script src="/app.js"></script>';

/** Starts a server; `options` override the defaults (loopback, no token). */
export async function startServer(options: Partial<HttpServerOptions> = {}): Promise<Harness> {
  const tempDir = await mkdtemp(join(tmpdir(), 'ccmax-server-'));
  const rendererDir = join(tempDir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), INDEX_HTML);
  await writeFile(join(rendererDir, 'app.js'), 'console.log("app");');
  await writeFile(join(rendererDir, 'assets', 'style.css'), 'body{color:red}');
  await writeFile(join(rendererDir, '.env'), 'SECRET=dotfile');
  await writeFile(join(tempDir, 'secret.txt'), 'outside the renderer dir');
  await symlink(join(tempDir, 'secret.txt'), join(rendererDir, 'escape.txt'));
  const engine = (options.engine as FakeEngine | undefined) ?? new FakeEngine();
  const logger = new RecordingLogger();
  const server = await createHttpServer({
    engine,
    rendererDir,
    demo: false,
    version: '9.9.9-test',
    logger,
    vault: { kind: 'file', location: join(tempDir, 'vault.json') },
    ...options,
  }).catch(async (error: unknown) => {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  });
  return {
    server,
    engine,
    logger,
    tempDir,
    rendererDir,
    hostHeader: `127.0.0.1:${server.port}`,
    async stop() {
      await server.close();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface RawRequest {
  readonly method?: string;
  /** Sent exactly as given (no URL normalisation), so traversal attempts reach the server intact. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** Sends one request to 127.0.0.1:`port` with node:http; Host defaults to `127.0.0.1:<port>`. */
export function send(port: number, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...req.headers };
    if (req.body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const r = request({ host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Sends a JSON body with the right content type. */
export function sendJsonBody(
  port: number,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return send(port, { method, path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}
