import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/engine/ports.js';
import { createApiRoutes } from '../../src-main/server/api-routes.js';
import { createMachineRoutes } from '../../src-main/server/machine-routes.js';
import { buildOpenApiDocument } from '../../src-main/server/openapi.js';
import { routeKeys } from '../../src-main/server/routes.js';
import { COMMAND_ARGS } from '../../src-main/shared/command-schemas.js';
import { FakeEngine, makeSnapshot } from '../fakes/fake-engine.js';
import { checkSchema } from './json-schema-check.js';
import { send, sendJsonBody, startServer, type Harness } from './server-harness.js';

type Obj = Record<string, unknown>;
const doc = buildOpenApiDocument('9.9.9-test') as Obj & { paths: Record<string, Record<string, Obj>> };
const METHODS = ['get', 'post', 'patch', 'delete', 'put'];

const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ path, method, op })),
);

const resolve = (value: unknown): Obj => {
  const ref = (value as Obj)['$ref'];
  if (typeof ref !== 'string') return value as Obj;
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Obj)[key], doc) as Obj;
};

const responseSchema = (path: string, method: string, status: string): Obj => {
  const response = resolve((doc.paths[path]?.[method]?.['responses'] as Obj)[status]);
  return ((response['content'] as Obj)['application/json'] as Obj)['schema'] as Obj;
};

let h: Harness;
beforeAll(async () => {
  h = await startServer();
});
afterAll(async () => {
  await h.stop();
});

describe('the OpenAPI document', () => {
  it('documents exactly the implemented routes', () => {
    const routes = createApiRoutes({ engine: new FakeEngine(), logger: silentLogger, version: 'x', demo: false, startedAtMs: 0 });
    // A hub (a server with a token) adds the machine routes.
    const machines = createMachineRoutes({ list: () => [], revoke: () => false });
    const documented = operations.map(({ path, method }) => `${method.toUpperCase()} ${path}`).sort();
    expect(documented).toEqual(routeKeys([...routes, ...machines]));
  });

  it('is OpenAPI 3.1 and served at /openapi.json', async () => {
    const res = await send(h.server.port, { path: '/openapi.json' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(doc['openapi']).toBe('3.1.0');
  });

  it('resolves every $ref', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(resolve({ $ref: ref }), ref).toBeDefined();
  });

  it('declares the auth and origin refusals on every operation', () => {
    for (const { path, method, op } of operations) {
      const statuses = Object.keys(op['responses'] as Obj);
      expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['401', '403', '500']));
      if (op['requestBody']) expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['400', '413', '415']));
    }
  });

  it('has examples that match their own schemas', () => {
    let checked = 0;
    for (const { path, method, op } of operations) {
      const media: Obj[] = [];
      if (op['requestBody']) media.push(((op['requestBody'] as Obj)['content'] as Obj)['application/json'] as Obj);
      for (const response of Object.values(op['responses'] as Obj)) {
        const json = (resolve(response)['content'] as Obj | undefined)?.['application/json'] as Obj | undefined;
        if (json) media.push(json);
      }
      for (const m of media) {
        if (m['example'] === undefined) continue;
        checked++;
        expect(checkSchema(doc, m['schema'] as Obj, m['example']), `${method} ${path}`).toEqual([]);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('documents a request body that is a command argument with that command’s schema (switch takes null: unpin)', () => {
    const body = { $ref: '#/components/schemas/SwitchRequest' };
    for (const args of [{ accountId: 'acct-1' }, { accountId: null }, {}, { accountId: 'a', extra: 1 }]) {
      expect(checkSchema(doc, body, args).length === 0, JSON.stringify(args)).toBe(COMMAND_ARGS.switchTo.safeParse(args).success);
    }
  });

  it('describes the FleetSnapshot the engine produces, and nothing else', () => {
    const schema = { $ref: '#/components/schemas/FleetSnapshot' };
    expect(checkSchema(doc, schema, JSON.parse(JSON.stringify(makeSnapshot())))).toEqual([]);
    expect(checkSchema(doc, schema, { ...makeSnapshot(), surprise: 1 })).toEqual(['$: unexpected property surprise']);
  });
});

describe('real responses match the document', () => {
  const gets = ['/api/health', '/api/state', '/api/events', '/api/accounts', '/api/settings'];
  for (const path of gets) {
    it(`GET ${path} matches its 200 schema`, async () => {
      const res = await send(h.server.port, { path });
      expect(res.status).toBe(200);
      expect(checkSchema(doc, responseSchema(path, 'get', '200'), res.json())).toEqual([]);
    });
  }

  it('POST /api/accounts matches its 201 schema', async () => {
    const res = await sendJsonBody(h.server.port, 'POST', '/api/accounts', { credentials: { accessToken: 'a', refreshToken: 'r' } });
    expect(res.status).toBe(201);
    expect(checkSchema(doc, responseSchema('/api/accounts', 'post', '201'), res.json())).toEqual([]);
  });

  it('POST /api/switch, /api/pause and /api/resume match their 202 schemas', async () => {
    const switched = await sendJsonBody(h.server.port, 'POST', '/api/switch', { accountId: 'acct-1' });
    expect(switched.status).toBe(202);
    expect(checkSchema(doc, responseSchema('/api/switch', 'post', '202'), switched.json())).toEqual([]);
    const unpinned = await sendJsonBody(h.server.port, 'POST', '/api/switch', { accountId: null });
    expect(checkSchema(doc, responseSchema('/api/switch', 'post', '202'), unpinned.json())).toEqual([]);
    for (const path of ['/api/pause', '/api/resume', '/api/switch/now']) {
      const res = await send(h.server.port, { method: 'POST', path });
      expect(res.status).toBe(202);
      expect(checkSchema(doc, responseSchema(path, 'post', '202'), res.json())).toEqual([]);
    }
  });

  it('an error body matches the Error schema', async () => {
    const res = await send(h.server.port, { path: '/api/events?limit=0' });
    expect(checkSchema(doc, { $ref: '#/components/schemas/Error' }, res.json())).toEqual([]);
  });
});

describe('/docs', () => {
  it('renders a self-contained page listing every endpoint and how to authenticate', async () => {
    const res = await send(h.server.port, { path: '/docs' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    for (const { path, method } of operations) {
      expect(res.text).toContain(`<span class="method ${method}">${method.toUpperCase()}</span><code>${path}</code>`);
    }
    expect(res.text).toContain('Authorization: Bearer');
    expect(res.text).not.toMatch(/<script|src="http|href="http/i);
    // The only link is the inline tab icon (a data: URL: nothing is fetched).
    expect(res.text.match(/<link[^>]*>/gi)).toEqual([expect.stringMatching(/^<link rel="icon" href="data:image\/svg\+xml,/)]);
  });

  it('shows parameters and example responses', async () => {
    const res = await send(h.server.port, { path: '/docs' });
    expect(res.text).toContain('<code>limit</code>');
    expect(res.text).toContain('&quot;activeAccountId&quot;');
  });

  it('allows its inline style by hash and nothing else', async () => {
    const res = await send(h.server.port, { path: '/docs' });
    const css = /<style>([\s\S]*?)<\/style>/.exec(res.text)?.[1] ?? '';
    const hash = createHash('sha256').update(css).digest('base64');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
  });
});
