/** The hub's machine routes: `GET /api/machines` lists them, `POST /api/machines/{id}/revoke` revokes one. */
import type { MachinesHub } from './machines-hub.js';
import { httpError } from './http-io.js';
import type { Route } from './routes.js';

export function createMachineRoutes(hub: Pick<MachinesHub, 'list' | 'revoke'>): Route[] {
  return [
    { method: 'GET', path: '/api/machines', handle: () => ({ status: 200, json: { machines: hub.list() } }) },
    {
      method: 'POST',
      path: '/api/machines/{id}/revoke',
      handle: ({ params }) => {
        const id = params.id ?? '';
        if (!hub.revoke(id)) return { error: httpError(404, 'not-found', `No machine with id ${id} has connected to this hub.`) };
        return { status: 200, json: { revoked: id } };
      },
    },
  ];
}
