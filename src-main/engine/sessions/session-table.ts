/**
 * The registry's bookkeeping: one record per live session, the peer (connection address) each came
 * from and how many each peer has, within the memory bounds; and tombstones for sessions that ended
 * lately, so a pulse already in flight does not bring them back.
 */
import { toSessionState, type SessionRecord } from './session-record.js';

export interface SessionTable {
  get(id: string): SessionRecord | undefined;
  /** Live records in insertion order (a live view: copy it before changing the table). */
  values(): IterableIterator<SessionRecord>;
  size(): number;
  /** Adds a new session of `peer`. */
  add(record: SessionRecord, peer: string): void;
  /** Replaces the record of a session already in the table (or adds it without a peer). */
  update(record: SessionRecord): void;
  /** Removes a session and its place in its peer's count. */
  forget(id: string): void;
  /**
   * Whether `peer` may add a session: `room` when no bound is reached, else the longest-silent idle
   * session in the full scope (the one to evict), or null when none there is idle.
   */
  evictee(peer: string): SessionRecord | 'room' | null;
  /** Remembers that `id` ended at `nowMs`. */
  bury(id: string, nowMs: number): void;
  /** True when `id` ended less than `withinMs` before `nowMs`. */
  endedWithin(id: string, nowMs: number, withinMs: number): boolean;
  /** Forgets tombstones at least `afterMs` old. */
  dropTombstones(nowMs: number, afterMs: number): void;
}

/** Creates an empty table bounded by `maxSessions` in all and `maxSessionsPerPeer` per peer. */
export function createSessionTable(maxSessions: number, maxSessionsPerPeer: number): SessionTable {
  const records = new Map<string, SessionRecord>();
  const peerOf = new Map<string, string>();
  const perPeer = new Map<string, number>();
  const tombstones = new Map<string, number>();

  return {
    get: (id) => records.get(id),
    values: () => records.values(),
    size: () => records.size,
    add(record, peer) {
      records.set(record.id, record);
      peerOf.set(record.id, peer);
      perPeer.set(peer, (perPeer.get(peer) ?? 0) + 1);
    },
    update: (record) => void records.set(record.id, record),
    forget(id) {
      records.delete(id);
      const peer = peerOf.get(id);
      peerOf.delete(id);
      if (peer === undefined) return;
      const left = (perPeer.get(peer) ?? 1) - 1;
      if (left <= 0) perPeer.delete(peer);
      else perPeer.set(peer, left);
    },
    evictee(peer) {
      const peerFull = (perPeer.get(peer) ?? 0) >= maxSessionsPerPeer;
      if (!peerFull && records.size < maxSessions) return 'room';
      let victim: SessionRecord | null = null;
      for (const record of records.values()) {
        if (peerFull && peerOf.get(record.id) !== peer) continue;
        if (toSessionState(record).kind !== 'idle') continue;
        if (!victim || record.lastPulseAtMs < victim.lastPulseAtMs) victim = record;
      }
      return victim;
    },
    bury(id, nowMs) {
      if (tombstones.size >= maxSessions) tombstones.clear();
      tombstones.set(id, nowMs);
    },
    endedWithin(id, nowMs, withinMs) {
      const endedAtMs = tombstones.get(id);
      return endedAtMs !== undefined && nowMs - endedAtMs < withinMs;
    },
    dropTombstones(nowMs, afterMs) {
      for (const [id, endedAtMs] of tombstones) if (nowMs - endedAtMs >= afterMs) tombstones.delete(id);
    },
  };
}
