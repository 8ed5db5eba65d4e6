/** Pushes fresh snapshots to subscribers: coalesced per tick, and only when something changed. */
import type { FleetSnapshot } from '../../shared/view-model.js';
import type { Logger } from '../ports.js';

export interface SnapshotPublisher {
  /** Something changed: build and push a snapshot after the current tick (coalesced). */
  changed(): void;
  subscribe(listener: (snapshot: FleetSnapshot) => void): () => void;
}

/** `build` makes a snapshot; pushes skip snapshots equal to the last one but for `generatedAtMs`. */
export function createSnapshotPublisher(build: () => FleetSnapshot, logger: Logger): SnapshotPublisher {
  const listeners = new Set<(s: FleetSnapshot) => void>();
  let lastPushedKey = '';
  let queued = false;
  return {
    changed() {
      if (queued || listeners.size === 0) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        const next = build();
        const key = JSON.stringify({ ...next, generatedAtMs: 0 });
        if (key === lastPushedKey) return;
        lastPushedKey = key;
        for (const listener of listeners) {
          try {
            listener(next);
          } catch (e) {
            logger.error('snapshot listener failed', { reason: e instanceof Error ? e.message : String(e) });
          }
        }
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
