/**
 * The contract's commands over the server's REST API: the fallback for a server whose `/api/ws`
 * pushes snapshots but does not take calls yet. Same results as the socket: `{ok, value|error}`.
 */
import type { CommandError, CommandHandlers, CommandResult } from '../../src-main/shared/contract.js';
import { err, ok } from '../../src-main/shared/result.js';
import type { FleetSnapshot } from '../../src-main/shared/view-model.js';

type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
}>;

export interface RestCommandsOptions {
  /** The server's origin, e.g. `http://127.0.0.1:4141`. */
  readonly baseUrl: string;
  readonly fetch: FetchLike;
}

const failure = (code: string, message: string): CommandResult<never> => err<CommandError>({ code, message });

/** Creates command handlers that call the REST API at `baseUrl`. */
export function createRestCommands({ baseUrl, fetch }: RestCommandsOptions): CommandHandlers {
  const request = async <T>(method: string, path: string, body: unknown, pick: (json: unknown) => T): Promise<CommandResult<T>> => {
    try {
      const init =
        body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      const response = await fetch(new URL(path, baseUrl).toString(), init);
      const json: unknown = await response.json().catch(() => null);
      if (!response.ok) return err(toCommandError(response.status, json));
      return ok(pick(json));
    } catch (error) {
      return failure('network', `Could not reach ccmax-monitor: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const account = (json: unknown) => (json as { account: never }).account;
  const id = (accountId: string) => `/api/accounts/${encodeURIComponent(accountId)}`;

  return {
    getSnapshot: () => request('GET', '/api/state', undefined, (json) => json as FleetSnapshot),
    getEvents: (filter) => {
      const query = new URLSearchParams();
      if (filter.sinceMs !== undefined) query.set('since', String(filter.sinceMs));
      if (filter.kinds !== undefined && filter.kinds.length > 0) query.set('kind', filter.kinds.join(','));
      if (filter.accountId !== undefined) query.set('account', filter.accountId);
      if (filter.limit !== undefined) query.set('limit', String(filter.limit));
      const search = query.toString();
      return request('GET', `/api/events${search ? `?${search}` : ''}`, undefined, (json) => (json as { events: never }).events);
    },
    refreshNow: (args) =>
      request('POST', '/api/refresh', args.accountId === undefined ? {} : { accountId: args.accountId }, () => ({
        accepted: true as const,
      })),
    switchTo: (args) => request('POST', '/api/switch', { accountId: args.accountId }, () => ({ accepted: true as const })),
    pauseRotation: () => request('POST', '/api/pause', {}, () => ({ paused: true })),
    resumeRotation: () => request('POST', '/api/resume', {}, () => ({ paused: false })),
    importFromClaudeCode: () => request('POST', '/api/accounts/import', {}, account),
    addFromCredentialsJson: async (args) => {
      let credentials: unknown;
      try {
        credentials = JSON.parse(args.json);
      } catch {
        return failure('invalid-credentials', 'That is not valid JSON; paste the whole contents of the credentials file.');
      }
      return request('POST', '/api/accounts', { credentials }, account);
    },
    setLabel: (args) => request('PATCH', id(args.accountId), { label: args.label }, account),
    setEnabled: (args) => request('PATCH', id(args.accountId), { enabled: args.enabled }, account),
    removeAccount: (args) => request('DELETE', id(args.accountId), undefined, account),
    updateSettings: (patch) => request('PATCH', '/api/settings', patch, (json) => json as never),
  };
}

function toCommandError(status: number, json: unknown): CommandError {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') return { code: error.code, message: error.message };
  return { code: `http-${status}`, message: `ccmax-monitor answered HTTP ${status}.` };
}
