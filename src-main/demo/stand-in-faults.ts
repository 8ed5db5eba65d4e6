/**
 * Fault injection for the stand-in API: the failures the real endpoints show (CLAUDE-CODE.md), on
 * demand, per account or for everyone, for the next N requests or until cleared.
 */

export type StandInFault =
  /** Answer with this status and an API-style JSON error body (401, 403, 500, 503, …). */
  | { readonly kind: 'status'; readonly status: number }
  /** 429 with `retry-after` exactly as given (`"3600"` or an HTTP date); omitted when null. */
  | { readonly kind: 'rate-limited'; readonly retryAfter: string | null }
  /**
   * Wait this long, then answer normally: longer than the client's deadline makes it time out. The
   * request is still carried out after the client gave up (a refresh still spends its token), as a
   * real server may do.
   */
  | { readonly kind: 'delay'; readonly ms: number }
  /** 200 with a body that is not JSON. */
  | { readonly kind: 'garbage' }
  /** The normal answer with its JSON body cut in half. */
  | { readonly kind: 'truncated' }
  /** Destroy the connection without answering: a network error for the client. */
  | { readonly kind: 'destroy' };

export interface FaultScope {
  /** Only requests mapped to this simulated account (by bearer or refresh token); default all. */
  readonly accountId?: string;
  /** Only this path, e.g. `/api/oauth/usage`; default all. */
  readonly path?: string;
  /** For the next N matching requests; default until cleared. */
  readonly times?: number;
}

export interface ArmedFault {
  readonly id: number;
  readonly fault: StandInFault;
  readonly scope: FaultScope;
  /** Matching requests still to hit; null = until cleared. */
  readonly remaining: number | null;
}

export interface FaultBoard {
  /** Arms a fault; returns its id for {@link FaultBoard.clear}. Earlier faults win when several match. */
  inject(fault: StandInFault, scope?: FaultScope): number;
  /** Clears one fault, or all of them. */
  clear(id?: number): void;
  readonly armed: readonly ArmedFault[];
  /** The fault for this request, counting it down; null when none applies. */
  take(accountId: string | null, path: string): StandInFault | null;
}

/** Creates an empty fault board. */
export function createFaultBoard(): FaultBoard {
  let nextId = 1;
  let armed: ArmedFault[] = [];
  return {
    inject(fault, scope = {}) {
      if (scope.times !== undefined && (!Number.isInteger(scope.times) || scope.times < 1)) {
        throw new Error(`fault times must be a positive integer; got ${scope.times}`);
      }
      const id = nextId++;
      armed.push({ id, fault, scope, remaining: scope.times ?? null });
      return id;
    },
    clear(id) {
      armed = id === undefined ? [] : armed.filter((a) => a.id !== id);
    },
    get armed() {
      return armed;
    },
    take(accountId, path) {
      const hit = armed.find(
        (a) =>
          (a.scope.accountId === undefined || a.scope.accountId === accountId) && (a.scope.path === undefined || a.scope.path === path),
      );
      if (!hit) return null;
      if (hit.remaining !== null) {
        const left = hit.remaining - 1;
        armed = left === 0 ? armed.filter((a) => a !== hit) : armed.map((a) => (a === hit ? { ...a, remaining: left } : a));
      }
      return hit.fault;
    },
  };
}
