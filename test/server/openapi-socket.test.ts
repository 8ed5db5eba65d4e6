import { afterEach, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src-main/server/openapi.js';
import { socketExamples } from '../../src-main/server/openapi-socket.js';
import { COMMAND_ERROR_CODES, COMMAND_NAMES } from '../../src-main/shared/contract.js';
import { checkSchema } from './json-schema-check.js';
import { send, startServer, type Harness } from './server-harness.js';
import { connect, terminateAll } from './ws-client.js';

type Obj = Record<string, unknown>;
const VERSION = '9.9.9-test';
const doc = buildOpenApiDocument(VERSION) as Obj & { paths: Record<string, Record<string, Obj>> };
const wsOp = doc.paths['/api/ws']?.['get'] as Obj;
const serverSchema = { $ref: '#/components/schemas/SocketServerMessage' };
const clientSchema = { $ref: '#/components/schemas/SocketClientMessage' };

let h: Harness | null = null;
afterEach(async () => {
  terminateAll();
  await h?.stop();
  h = null;
});

describe('the socket in the OpenAPI document', () => {
  it('lists every contract command once, in contract order', () => {
    const commands = wsOp['x-commands'] as { name: string; args: string; value: string }[];
    expect(commands.map((c) => c.name)).toEqual([...COMMAND_NAMES]);
    for (const c of commands) expect(c.args.length * c.value.length, c.name).toBeGreaterThan(0);
  });

  it('gives each command its arguments as JSON Schema, from the schema its handler validates with', () => {
    const commands = wsOp['x-commands'] as { name: string; argsSchema: Obj }[];
    const argsOf = (name: string): Obj => commands.find((c) => c.name === name)?.argsSchema ?? {};
    expect(checkSchema(doc, argsOf('switchTo'), { accountId: 'acct-1' })).toEqual([]);
    expect(checkSchema(doc, argsOf('switchTo'), { accountId: null })).toEqual([]);
    expect(checkSchema(doc, argsOf('switchTo'), {})).not.toEqual([]);
    expect(checkSchema(doc, argsOf('getSnapshot'), { extra: 1 })).not.toEqual([]);
    expect(checkSchema(doc, argsOf('setEnabled'), { accountId: 'acct-1', enabled: 'yes' })).not.toEqual([]);
  });

  it('names every error code a command can answer', () => {
    const error = (doc['components'] as { schemas: Record<string, Obj> }).schemas['CommandError'] as { properties: { code: Obj } };
    expect(error.properties.code['enum']).toEqual([...COMMAND_ERROR_CODES]);
    expect(checkSchema(doc, { $ref: '#/components/schemas/CommandError' }, { code: 'made-up', message: 'x' })).not.toEqual([]);
  });

  it('has example messages that match the message schemas', () => {
    const { client, server } = socketExamples(VERSION);
    for (const [name, example] of Object.entries(client)) expect(checkSchema(doc, clientSchema, example), name).toEqual([]);
    for (const [name, example] of Object.entries(server)) expect(checkSchema(doc, serverSchema, example), name).toEqual([]);
  });

  it('refuses messages the server refuses', () => {
    expect(checkSchema(doc, clientSchema, { type: 'call', id: 1.5, name: 'getSnapshot' })).not.toEqual([]);
    expect(checkSchema(doc, clientSchema, { type: 'call', id: 1, name: 'getSnapshot', extra: 1 })).not.toEqual([]);
    expect(checkSchema(doc, clientSchema, { type: 'ping', id: 1 })).not.toEqual([]);
  });

  it('describes the messages the server really sends', async () => {
    h = await startServer();
    const client = await connect(h.server.port);
    await client.call('getSnapshot');
    await client.call('switchTo', { accountId: 'nobody' });
    await client.call('noSuchCommand');
    client.ws.send('{"type":"ping"}');
    await client.waitFor((m) => m.type === 'pong');
    expect(new Set(client.messages.map((m) => m.type))).toEqual(new Set(['snapshot', 'result', 'pong']));
    for (const message of client.messages)
      expect(checkSchema(doc, serverSchema, message), JSON.stringify(message).slice(0, 80)).toEqual([]);
  });

  it('shows error messages exactly as the server words them', async () => {
    h = await startServer({ wsCallLimits: { burst: 1 } });
    const { client: sent, server: expected } = socketExamples(VERSION);
    const client = await connect(h.server.port);
    const setLabel = sent['setLabel'] as { name: string; args: unknown };
    expect(await client.call(setLabel.name, setLabel.args)).toEqual((expected['invalidArguments'] as { result: unknown }).result);
    expect(await client.call('getSnapshot')).toEqual((expected['rateLimited'] as { result: unknown }).result);
  });
});

describe('/docs for the socket', () => {
  it('explains calls, results, limits and close codes, with the command table', async () => {
    h = await startServer();
    const res = await send(h.server.port, { path: '/docs' });
    for (const text of [
      '{&quot;type&quot;:&quot;call&quot;',
      '{&quot;type&quot;:&quot;result&quot;',
      'rate-limited',
      'busy',
      '4429',
      '4400',
      '<h4>Commands</h4>',
    ]) {
      expect(res.text).toContain(text);
    }
    for (const name of COMMAND_NAMES) expect(res.text).toContain(`<td><code>${name}</code></td>`);
    expect(res.text).toContain('Messages the client sends');
  });
});
