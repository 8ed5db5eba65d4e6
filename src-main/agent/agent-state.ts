/**
 * What an agent remembers between runs, in `<dataDir>/agent.json` (no secret): its machine id, the
 * highest generation it has seen per account (so a replayed or delayed older push is refused even
 * after a restart) and the login it holds (account, generation, access-token fingerprint).
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFileSync, writeFileAtomic } from '../engine/index.js';
import type { HeldLogin } from '../shared/machines-protocol.js';

const schema = z.object({
  version: z.literal(1),
  machineId: z.string().min(8).max(64),
  seen: z.record(z.string(), z.number().int().nonnegative()),
  held: z
    .object({
      accountId: z.string(),
      generation: z.number().int().nonnegative(),
      fingerprint: z.string(),
      /** When the held access token expires (epoch ms); null in files written before it was kept. */
      expiresAtMs: z.number().nullable().default(null),
    })
    .nullable(),
});
export type AgentState = z.infer<typeof schema>;

export interface AgentStateStore {
  get(): AgentState;
  /** Saves atomically (0600). */
  set(next: AgentState): Promise<void>;
}

export async function openAgentState(dataDir: string): Promise<AgentStateStore> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'agent.json');
  const read = readJsonFileSync(path);
  const parsed = read.ok ? schema.safeParse(read.value) : null;
  let state: AgentState = parsed?.success ? parsed.data : { version: 1, machineId: randomUUID(), seen: {}, held: null };
  if (!parsed?.success) await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return {
    get: () => state,
    async set(next) {
      state = next;
      await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    },
  };
}

/**
 * Whether a pushed login may replace what the agent holds: a newer generation for its account, or
 * the same generation of the account it holds (a resend after a reconnect). Anything older is refused.
 */
export function acceptsGeneration(state: AgentState, accountId: string, generation: number): boolean {
  const seen = state.seen[accountId] ?? 0;
  if (generation > seen) return true;
  return generation === seen && state.held?.accountId === accountId;
}

export type { HeldLogin };
