/**
 * The OpenAPI description of a hub's machine routes (`GET /api/machines`, `POST
 * /api/machines/{id}/revoke`; present when the server has a token, so agents can connect) and of
 * `MachineView`, which the fleet snapshot carries too.
 */
import type { MachineView } from '../shared/machines-view.js';
import { common, jsonBody, responseRef, type Operation } from './openapi-helpers.js';
import { objectOf, type JsonSchema } from './openapi-schemas.js';

const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });

export const EXAMPLE_MACHINE: MachineView = {
  id: '6f1d0c2a-devbox',
  host: 'devbox',
  agentVersion: '0.1.0',
  connected: true,
  lastSeenMs: 1_764_950_400_000,
  held: { accountId: '4e2b9c1d-0000-4000-8000-000000000001', generation: 7, fingerprint: '3fa9c2d1' },
  heldExpiresAtMs: 1_764_975_600_000,
  lagging: false,
  lagMs: 0,
  revoked: false,
};

export const MACHINE_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  MachineView: objectOf<MachineView>(
    {
      id: { type: 'string', description: 'The agent’s stable id, kept in its data dir.' },
      host: { type: 'string', description: 'The machine’s host name.' },
      agentVersion: { type: 'string' },
      connected: { type: 'boolean' },
      lastSeenMs: { type: 'integer', description: 'Now when connected, else when it was last heard from (epoch ms).' },
      held: nullable(
        objectOf<NonNullable<MachineView['held']>>(
          {
            accountId: { type: 'string' },
            generation: { type: 'integer', description: 'The login’s per-account generation; an agent never goes back to an older one.' },
            fingerprint: { type: 'string', description: 'sha256 prefix of the access token (never the token).' },
          },
          { description: 'The login the machine confirmed it holds (after verifying its write).' },
        ),
      ),
      heldExpiresAtMs: {
        ...nullable({ type: 'integer' }),
        description:
          'When the access token the machine last confirmed holding expires (epoch ms), also while it is away. Agents hold no ' +
          'refresh token: past this its Claude Code cannot make requests until it reaches the hub again. Null when unknown.',
      },
      lagging: { type: 'boolean', description: 'It did not confirm the current login within the bound (3 s).' },
      lagMs: { type: 'integer', description: 'How long the current push has waited for its confirmation; 0 when none waits.' },
      revoked: { type: 'boolean' },
      currentGeneration: { type: 'integer', description: 'The generation the hub assigns now for the account it holds (older: behind).' },
      demo: { type: 'boolean', description: 'True for demo mode’s made-up machines.' },
    },
    {
      optional: ['currentGeneration', 'demo'],
      description: 'One machine of a several-machine fleet, as the hub sees it. Secret-free.',
    },
  ),
  MachineList: objectOf<{ machines: readonly MachineView[] }>({
    machines: { type: 'array', items: { $ref: '#/components/schemas/MachineView' } },
  }),
  MachineRevoked: objectOf<{ revoked: string }>({ revoked: { type: 'string', description: 'The id of the revoked machine.' } }),
};

export function machinePaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/machines': {
      get: {
        operationId: 'listMachines',
        summary: 'Machines connected to this hub',
        description:
          'Every agent that ever connected: host, agent version, connected or last seen, ' +
          'the login generation and fingerprint it holds, and whether it lags. Only on a server started with a token (a hub).',
        responses: { '200': jsonBody('MachineList', { machines: [EXAMPLE_MACHINE] }, 'The machines.'), ...common },
      },
    },
    '/api/machines/{id}/revoke': {
      post: {
        operationId: 'revokeMachine',
        summary: 'Revoke a machine',
        description:
          'Closes the machine’s connection (close code 4403) and refuses it from then on. ' +
          'Its Claude Code keeps the login it holds until that expires; the hub sends it nothing more.',
        parameters: [
          { name: 'id', in: 'path', required: true, description: 'The machine id (GET /api/machines).', schema: { type: 'string' } },
        ],
        responses: {
          '200': jsonBody('MachineRevoked', { revoked: EXAMPLE_MACHINE.id }, 'The machine is revoked.'),
          '404': responseRef('NotFound'),
          ...common,
        },
      },
    },
  };
}
