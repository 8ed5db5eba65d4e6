/** A SessionStates port driven by the test: put sessions in tool calls and end them. */
import type { SessionState, SessionView } from '../../src-main/shared/view-model.js';
import type { SessionSource } from '../../src-main/engine/create-engine.js';
import type { LimitHit, StatuslineReading } from '../../src-main/engine/sessions/session-registry.js';
import {
  isBlocking,
  type BlockingSession,
  type DeferralMode,
  type SessionTransition,
} from '../../src-main/engine/sessions/session-states.js';

export class FakeSessionStates implements SessionSource {
  readonly #states = new Map<string, { state: SessionState; sinceMs: number }>();
  readonly #listeners = new Set<(t: SessionTransition) => void>();
  readonly #statusline = new Set<(reading: StatuslineReading) => void>();
  readonly #limitHits = new Set<(hit: LimitHit) => void>();
  readonly #unrotatable = new Set<string>();

  set(sessionId: string, state: SessionState | null, atMs: number): void {
    const from = this.#states.get(sessionId)?.state ?? null;
    if (state === null) this.#states.delete(sessionId);
    else this.#states.set(sessionId, { state, sinceMs: atMs });
    for (const l of this.#listeners) l({ sessionId, from, to: state, atMs, cause: state === null ? 'ended' : 'message' });
  }

  blockingSessions(mode: DeferralMode): readonly BlockingSession[] {
    return [...this.#states.entries()]
      .filter(([id, s]) => isBlocking(s.state, mode) && !this.#unrotatable.has(id))
      .map(([sessionId, s]) => ({ sessionId, state: s.state, sinceMs: s.sinceMs }))
      .sort((a, b) => a.sinceMs - b.sinceMs);
  }

  anyAlive(): boolean {
    return this.#states.size > 0;
  }

  rotatableAliveCount(): number {
    return [...this.#states.keys()].filter((id) => !this.#unrotatable.has(id)).length;
  }

  /** Marks a session as one whose login an override sets (the registry learns it from the hook client). */
  setUnrotatable(sessionId: string): void {
    this.#unrotatable.add(sessionId);
  }

  sessions(): readonly SessionView[] {
    return [...this.#states.entries()].map(([id, s]) => ({
      id,
      host: 'test',
      cwd: '/tmp',
      state: s.state,
      lastPulseAtMs: s.sinceMs,
      accountId: null,
      loginOverrides: [],
    }));
  }

  activeSessionCount(): number {
    return this.#states.size;
  }

  subscribe(): () => void {
    return () => {};
  }

  onStatusline(listener: (reading: StatuslineReading) => void): () => void {
    this.#statusline.add(listener);
    return () => this.#statusline.delete(listener);
  }

  /** Delivers a statusline reading as the registry would. */
  statusline(reading: StatuslineReading): void {
    for (const l of this.#statusline) l(reading);
  }

  onLimitHit(listener: (hit: LimitHit) => void): () => void {
    this.#limitHits.add(listener);
    return () => this.#limitHits.delete(listener);
  }

  /** Reports a turn that ended on the usage limit, as the registry would. */
  limitHit(hit: LimitHit): void {
    for (const l of this.#limitHits) l(hit);
  }

  onTransition(listener: (t: SessionTransition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
