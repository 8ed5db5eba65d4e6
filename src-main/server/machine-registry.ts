/**
 * The hub's record of machines and login generations, persisted in `<dataDir>/machines.json`
 * (no secret: ids, host names, versions, generations, fingerprints). A generation is per account
 * and only grows, across hub restarts too: each new login the hub assigns for an account (a switch
 * to it, or a refreshed token) gets the next number, so an agent can refuse anything older. A
 * switch back to an account whose login did not change is a new assignment too: an agent that
 * holds another account since refuses the generation it already saw for this one (a replay).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { type Logger, readJsonFileSync, writeFileAtomic } from '../engine/index.js';

export const MACHINES_FILE = 'machines.json';

const machineSchema = z.object({
  host: z.string(),
  agentVersion: z.string(),
  firstSeenMs: z.number(),
  lastSeenMs: z.number(),
  revoked: z.boolean(),
  /** When the access token it last confirmed holding expires (epoch ms); absent in older files. */
  heldExpiresAtMs: z.number().nullable().optional(),
  /** The login it last confirmed holding (kept across its disconnects and hub restarts; absent in older files). */
  held: z.object({ accountId: z.string(), generation: z.number().int().nonnegative(), fingerprint: z.string() }).nullable().optional(),
});
const fileSchema = z.object({
  version: z.literal(1),
  generations: z.record(z.string(), z.object({ generation: z.number().int().nonnegative(), fingerprint: z.string() })),
  /** The account the hub assigned last (absent in files written before it was kept). */
  assignedAccountId: z.string().optional(),
  machines: z.record(z.string(), machineSchema),
});
export type MachineRecord = z.infer<typeof machineSchema>;
type MachinesFile = z.infer<typeof fileSchema>;

export interface MachineRegistry {
  /**
   * The generation of assigning `accountId`'s login with `fingerprint` now: the current one while it is still the
   * last assignment (same account, same login), else the next (a refreshed login, or a switch to the account).
   */
  generationFor(accountId: string, fingerprint: string): number;
  /** The newest generation assigned for `accountId`; null when none was. */
  generationOf(accountId: string): number | null;
  machine(id: string): MachineRecord | null;
  machines(): ReadonlyMap<string, MachineRecord>;
  seen(id: string, host: string, agentVersion: string, nowMs: number): void;
  touch(id: string, nowMs: number): void;
  /** Records when the access token the machine confirmed holding expires (null: unknown). */
  holds(id: string, heldExpiresAtMs: number | null): void;
  /** Records the login a machine confirmed holding (fingerprints only). */
  holdsLogin(id: string, held: NonNullable<MachineRecord['held']> | null): void;
  /** Marks a machine revoked; false when unknown. */
  revoke(id: string): boolean;
  /** Writes pending changes; never throws (a failure is logged, the file keeps its last good state). */
  flush(): Promise<void>;
}

export function createMachineRegistry(dataDir: string, logger: Logger): MachineRegistry {
  const path = join(dataDir, MACHINES_FILE);
  let state: MachinesFile = { version: 1, generations: {}, machines: {} };
  const read = readJsonFileSync(path);
  if (read.ok) {
    const parsed = fileSchema.safeParse(read.value);
    if (parsed.success) state = parsed.data;
    else logger.error('machines.json is not in the expected shape; starting a new one', { path });
  } else if (read.error.kind !== 'missing') {
    logger.error('machines.json could not be read; starting a new one', { path, reason: read.error.kind });
  }
  let dirty = false;
  let writing: Promise<void> = Promise.resolve();
  const change = (next: MachinesFile): void => {
    state = next;
    dirty = true;
    void flush();
  };
  const flush = (): Promise<void> => {
    writing = writing.then(async () => {
      if (!dirty) return;
      dirty = false;
      try {
        await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      } catch (error) {
        logger.error('could not save machines.json', { path, error: String(error) });
      }
    });
    return writing;
  };
  return {
    generationFor(accountId, fingerprint) {
      const current = state.generations[accountId];
      if (current && current.fingerprint === fingerprint && state.assignedAccountId === accountId) return current.generation;
      const generation = (current?.generation ?? 0) + 1;
      change({ ...state, assignedAccountId: accountId, generations: { ...state.generations, [accountId]: { generation, fingerprint } } });
      return generation;
    },
    generationOf: (accountId) => state.generations[accountId]?.generation ?? null,
    machine: (id) => state.machines[id] ?? null,
    machines: () => new Map(Object.entries(state.machines)),
    seen(id, host, agentVersion, nowMs) {
      const before = state.machines[id];
      const record: MachineRecord = {
        host,
        agentVersion,
        firstSeenMs: before?.firstSeenMs ?? nowMs,
        lastSeenMs: nowMs,
        revoked: before?.revoked ?? false,
        heldExpiresAtMs: before?.heldExpiresAtMs ?? null,
        held: before?.held ?? null,
      };
      change({ ...state, machines: { ...state.machines, [id]: record } });
    },
    touch(id, nowMs) {
      const before = state.machines[id];
      if (before) change({ ...state, machines: { ...state.machines, [id]: { ...before, lastSeenMs: nowMs } } });
    },
    holds(id, heldExpiresAtMs) {
      const before = state.machines[id];
      if (before && before.heldExpiresAtMs !== heldExpiresAtMs)
        change({ ...state, machines: { ...state.machines, [id]: { ...before, heldExpiresAtMs } } });
    },
    holdsLogin(id, held) {
      const before = state.machines[id];
      const same = before?.held?.accountId === held?.accountId && before?.held?.generation === held?.generation;
      if (before && !(same && before.held?.fingerprint === held?.fingerprint))
        change({ ...state, machines: { ...state.machines, [id]: { ...before, held } } });
    },
    revoke(id) {
      const before = state.machines[id];
      if (!before) return false;
      change({ ...state, machines: { ...state.machines, [id]: { ...before, revoked: true } } });
      return true;
    },
    flush,
  };
}
