import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/engine/ports.js';
import { createSessionRegistry, type SessionRegistry, type StatuslineReading } from '../../src-main/engine/sessions/session-registry.js';
import type { SessionTransition } from '../../src-main/engine/sessions/session-states.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { RecordingSink, msg } from './message-builders.js';

let registry: SessionRegistry | null = null;
afterEach(() => registry?.dispose());

function setup(
  options: {
    toolCeilingMs?: number;
    maxSessions?: number;
    maxSessionsPerPeer?: number;
    notifyEveryMs?: number;
    account?: string | null;
  } = {},
) {
  const clock = new FakeClock();
  const sink = new RecordingSink();
  let account: string | null = options.account === undefined ? 'acct-1' : options.account;
  registry = createSessionRegistry({
    clock,
    logger: silentLogger,
    events: sink,
    activeAccount: { accountId: () => account },
    ...(options.toolCeilingMs ? { toolCeilingMs: options.toolCeilingMs } : {}),
    ...(options.maxSessions ? { maxSessions: options.maxSessions } : {}),
    ...(options.maxSessionsPerPeer ? { maxSessionsPerPeer: options.maxSessionsPerPeer } : {}),
    ...(options.notifyEveryMs ? { notifyEveryMs: options.notifyEveryMs } : {}),
  });
  return { clock, sink, registry, setAccount: (a: string | null) => (account = a) };
}

const stateOf = (r: SessionRegistry, id: string) => r.sessions().find((s) => s.id === id)?.state;

describe('session registry', () => {
  it('records a started session as idle with its host, folder and account', () => {
    const { registry, sink, clock } = setup();
    registry.apply(msg.started('s1'));
    expect(registry.sessions()).toEqual([
      {
        id: 's1',
        host: 'devbox',
        cwd: '/home/dev/project',
        state: { kind: 'idle' },
        lastPulseAtMs: clock.now(),
        accountId: 'acct-1',
        loginOverrides: [],
      },
    ]);
    expect(registry.activeSessionCount()).toBe(1);
    expect(sink.kinds()).toEqual(['session-started']);
    expect(sink.events[0]?.message).toContain('s1');
  });

  it('follows a turn through a tool call and back to idle', async () => {
    const { registry, clock } = setup();
    registry.apply(msg.started('s1'));
    await clock.advance(1000);
    const turnAt = clock.now();
    registry.apply(msg.turn('s1'));
    expect(stateOf(registry, 's1')).toEqual({ kind: 'in-turn', sinceMs: turnAt });
    await clock.advance(500);
    registry.apply(msg.toolStart('s1', 'Bash'));
    expect(stateOf(registry, 's1')).toEqual({ kind: 'tool', toolName: 'Bash', sinceMs: turnAt + 500 });
    await clock.advance(2000);
    registry.apply(msg.toolEnd('s1', 'Bash'));
    expect(stateOf(registry, 's1')).toEqual({ kind: 'in-turn', sinceMs: turnAt });
    registry.apply(msg.turnEnd('s1'));
    expect(stateOf(registry, 's1')).toEqual({ kind: 'idle' });
  });

  it('removes an ended session and logs why it ended', () => {
    const { registry, sink } = setup();
    registry.apply(msg.started('s1'));
    registry.apply(msg.ended('s1', 'prompt_input_exit'));
    expect(registry.sessions()).toEqual([]);
    expect(registry.anyAlive()).toBe(false);
    expect(sink.events[1]).toMatchObject({ kind: 'session-ended', data: { reason: 'prompt_input_exit', sessionId: 's1' } });
  });

  it('keeps showing a tool while another parallel call is still open', () => {
    const { registry } = setup();
    registry.apply(msg.started('s1'));
    registry.apply(msg.toolStart('s1', 'Read', 'toolu_a'));
    registry.apply(msg.toolStart('s1', 'Grep', 'toolu_b'));
    registry.apply(msg.toolEnd('s1', 'Grep', 'toolu_b'));
    expect(stateOf(registry, 's1')).toMatchObject({ kind: 'tool', toolName: 'Read' });
    registry.apply(msg.toolEnd('s1', 'Read', 'toolu_a'));
    expect(stateOf(registry, 's1')).toMatchObject({ kind: 'in-turn' });
  });

  it('treats a new prompt as the end of a tool call that was interrupted', () => {
    const { registry } = setup();
    registry.apply(msg.started('s1'));
    registry.apply(msg.toolStart('s1'));
    registry.apply(msg.turn('s1'));
    expect(stateOf(registry, 's1')).toMatchObject({ kind: 'in-turn' });
    expect(registry.blockingSessions('tool')).toEqual([]);
  });

  it('learns of a session first heard mid-session from its pulse', () => {
    const { registry, sink } = setup();
    registry.apply(msg.alive('s9'));
    expect(registry.sessions().map((s) => s.id)).toEqual(['s9']);
    expect(sink.events[0]).toMatchObject({ kind: 'session-started', data: { midSession: true } });
  });

  it('ignores a pulse still in flight from a session that just ended', async () => {
    const { registry, clock } = setup();
    registry.apply(msg.started('s1'));
    registry.apply(msg.ended('s1'));
    expect(registry.apply(msg.alive('s1'))).toBe('ignored');
    expect(registry.apply(msg.statusline('s1'))).toBe('ignored');
    expect(registry.activeSessionCount()).toBe(0);
    await clock.advance(61_000);
    expect(registry.apply(msg.alive('s1'))).toBe('applied');
  });

  it('lets a resumed session that had ended start again at once', () => {
    const { registry } = setup();
    registry.apply(msg.started('s1'));
    registry.apply(msg.ended('s1'));
    registry.apply(msg.started('s1', { source: 'resume' }));
    expect(registry.activeSessionCount()).toBe(1);
  });

  it('ignores the end of a session it never knew', () => {
    const { registry, sink } = setup();
    expect(registry.apply(msg.ended('nobody'))).toBe('ignored');
    expect(sink.events).toEqual([]);
  });

  it('prunes a session 60 s after its last pulse, at most one sweep late', async () => {
    const { registry, clock, sink } = setup();
    registry.apply(msg.started('s1'));
    const lastPulseMs = clock.now();
    await clock.advance(59_999);
    expect(registry.activeSessionCount()).toBe(1);
    await clock.advance(5_001);
    expect(registry.activeSessionCount()).toBe(0);
    expect(sink.events.at(-1)).toMatchObject({
      kind: 'session-ended',
      level: 'warn',
      data: { reason: 'pruned', lastPulseAtMs: lastPulseMs },
    });
  });

  it('drops a session right at its deadline when that falls between regular sweeps', async () => {
    const { registry, clock } = setup();
    registry.apply(msg.started('s1'));
    await clock.advance(2_500);
    registry.apply(msg.alive('s1'));
    await clock.advance(59_999);
    expect(registry.activeSessionCount()).toBe(1);
    await clock.advance(1);
    expect(registry.activeSessionCount()).toBe(0);
  });

  it('prunes sessions whose pulses stopped at scattered times at most a second late', async () => {
    const { registry, clock } = setup();
    const lastPulse = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      registry.apply(msg.started(`s${i}`));
      lastPulse.set(`s${i}`, clock.now());
      await clock.advance(53);
    }
    const lateMs: number[] = [];
    registry.onTransition((t) => lateMs.push(t.atMs - ((lastPulse.get(t.sessionId) as number) + 60_000)));
    await clock.advance(70_000);
    expect(lateMs).toHaveLength(100);
    expect(Math.min(...lateMs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...lateMs)).toBeLessThanOrEqual(1_000);
  });

  it('keeps a session that pulses every 5 s alive indefinitely', async () => {
    const { registry, clock } = setup();
    registry.apply(msg.started('s1'));
    for (let i = 0; i < 60; i++) {
      await clock.advance(5_000);
      registry.apply(msg.alive('s1'));
    }
    expect(registry.activeSessionCount()).toBe(1);
  });

  it('sweeps on its own timer with no traffic at all', async () => {
    const { registry, clock } = setup();
    registry.apply(msg.started('s1'));
    registry.apply(msg.started('s2'));
    await clock.advance(1_000); // the throttled change notification for s2 fires; the sweeper stays
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(65_000);
    expect(registry.sessions()).toEqual([]);
    expect(clock.pendingTimers).toBe(1);
  });

  it('drops every session in one sweep when all clients die at once, notifying once', async () => {
    const { registry, clock } = setup({ maxSessionsPerPeer: 1000 });
    for (let i = 0; i < 1000; i++) registry.apply(msg.started(`s${i}`));
    await clock.advance(1_000); // the throttled notification of the burst of starts
    let notifications = 0;
    registry.subscribe(() => notifications++);
    const removed: SessionTransition[] = [];
    registry.onTransition((t) => removed.push(t));
    await clock.advance(65_000);
    expect(registry.activeSessionCount()).toBe(0);
    expect(notifications).toBe(1);
    expect(removed).toHaveLength(1000);
    expect(removed.every((t) => t.cause === 'pruned' && t.to === null)).toBe(true);
  });

  it('stops a tool call without PostToolUse from blocking after the ceiling, with an event', async () => {
    const { registry, clock, sink } = setup({ toolCeilingMs: 10 * 60_000 });
    registry.apply(msg.started('s1'));
    registry.apply(msg.toolStart('s1'));
    expect(registry.blockingSessions('tool')).toHaveLength(1);
    for (let t = 0; t < 9 * 60_000; t += 5_000) {
      await clock.advance(5_000);
      registry.apply(msg.alive('s1'));
    }
    expect(registry.blockingSessions('tool')).toHaveLength(1);
    for (let t = 0; t < 70_000; t += 5_000) {
      await clock.advance(5_000);
      registry.apply(msg.alive('s1'));
    }
    expect(registry.blockingSessions('tool')).toEqual([]);
    expect(registry.activeSessionCount()).toBe(1);
    expect(sink.events.at(-1)).toMatchObject({ kind: 'session-state-expired', level: 'warn' });
    expect(sink.events.at(-1)?.message).toContain('tool: Bash');
  });

  it('stops a tool call from blocking when its session ends', () => {
    const { registry } = setup();
    registry.apply(msg.started('s1'));
    registry.apply(msg.toolStart('s1'));
    registry.apply(msg.ended('s1'));
    expect(registry.blockingSessions('turn')).toEqual([]);
  });

  it('lists blocking sessions according to the deferral mode', () => {
    const { registry } = setup();
    registry.apply(msg.started('a'));
    registry.apply(msg.turn('a'));
    registry.apply(msg.started('b'));
    registry.apply(msg.toolStart('b'));
    registry.apply(msg.started('c'));
    expect(registry.blockingSessions('tool').map((s) => s.sessionId)).toEqual(['b']);
    expect(
      registry
        .blockingSessions('turn')
        .map((s) => s.sessionId)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(registry.blockingSessions('never')).toEqual([]);
  });

  it('reports each state change to transition listeners, not pulses', () => {
    const { registry } = setup();
    const seen: string[] = [];
    registry.onTransition((t) => seen.push(`${t.from?.kind ?? 'none'}>${t.to?.kind ?? 'gone'}`));
    registry.apply(msg.started('s1'));
    registry.apply(msg.alive('s1'));
    registry.apply(msg.turn('s1'));
    registry.apply(msg.toolStart('s1'));
    registry.apply(msg.toolEnd('s1'));
    registry.apply(msg.turnEnd('s1'));
    registry.apply(msg.ended('s1'));
    expect(seen).toEqual(['none>idle', 'idle>in-turn', 'in-turn>tool', 'tool>in-turn', 'in-turn>idle', 'idle>gone']);
  });

  it('hands statusline rate limits to listeners with reset times in milliseconds', () => {
    const { registry, clock } = setup();
    const readings: StatuslineReading[] = [];
    registry.onStatusline((r) => readings.push(r));
    registry.apply(msg.statusline('s1'));
    expect(readings).toEqual([
      {
        sessionId: 's1',
        host: 'devbox',
        atMs: clock.now(),
        fiveHour: { utilizationPct: 42, resetsAtMs: 1795554139000 },
        sevenDay: { utilizationPct: 13, resetsAtMs: 1795809739000 },
        model: 'claude-opus-4-8[1m]',
      },
    ]);
  });

  it('treats a statusline without rate limits as liveness only', async () => {
    const { registry, clock } = setup();
    const readings: StatuslineReading[] = [];
    registry.onStatusline((r) => readings.push(r));
    registry.apply(msg.started('s1'));
    await clock.advance(30_000);
    registry.apply(msg.statusline('s1', false));
    expect(readings).toEqual([]);
    expect(registry.sessions()[0]?.lastPulseAtMs).toBe(clock.now());
  });

  it('refuses new sessions beyond its bound when every session is busy, but keeps serving known ones', () => {
    const { registry } = setup({ maxSessions: 3 });
    for (const id of ['a', 'b', 'c']) expect(registry.apply(msg.turn(id))).toBe('applied');
    expect(registry.apply(msg.started('d'))).toBe('full');
    expect(registry.apply(msg.turn('a'))).toBe('applied');
    expect(registry.activeSessionCount()).toBe(3);
  });

  it('evicts the longest-silent idle session to make room, never a busy one', async () => {
    const { registry, clock } = setup({ maxSessions: 3 });
    registry.apply(msg.started('quiet'));
    await clock.advance(1000);
    registry.apply(msg.turn('busy'));
    registry.apply(msg.started('recent'));
    const gone: SessionTransition[] = [];
    registry.onTransition((t) => gone.push(t));
    expect(registry.apply(msg.started('new'))).toBe('applied');
    expect(
      registry
        .sessions()
        .map((s) => s.id)
        .sort(),
    ).toEqual(['busy', 'new', 'recent']);
    expect(gone.filter((t) => t.to === null)).toMatchObject([{ sessionId: 'quiet', cause: 'pruned' }]);
  });

  it('bounds each peer on its own: one peer’s flood evicts only its own idle sessions', () => {
    const { registry } = setup({ maxSessions: 100, maxSessionsPerPeer: 3 });
    registry.apply(msg.started('mine'), 'laptop');
    for (let i = 0; i < 50; i++) expect(registry.apply(msg.started(`flood-${i}`), '127.0.0.1')).toBe('applied');
    expect(registry.activeSessionCount()).toBe(4);
    expect(registry.sessions().map((s) => s.id)).toEqual(['mine', 'flood-47', 'flood-48', 'flood-49']);
  });

  it('tells change listeners of a burst of session churn a few times, not once per message', async () => {
    const { registry, clock } = setup({ notifyEveryMs: 250 });
    let notifications = 0;
    registry.subscribe(() => notifications++);
    for (let i = 0; i < 100; i++) registry.apply(msg.started(`s${i}`));
    expect(notifications).toBe(1);
    await clock.advance(250);
    expect(notifications).toBe(2);
    await clock.advance(5_000);
    expect(notifications).toBe(2);
  });

  it('records the account in use when the session last reported', () => {
    const { registry, setAccount } = setup();
    registry.apply(msg.started('s1'));
    setAccount('acct-2');
    registry.apply(msg.turn('s1'));
    expect(registry.sessions()[0]?.accountId).toBe('acct-2');
  });

  it('survives a listener that throws', () => {
    const { registry } = setup();
    registry.subscribe(() => {
      throw new Error('boom');
    });
    registry.onTransition(() => {
      throw new Error('boom');
    });
    expect(registry.apply(msg.started('s1'))).toBe('applied');
    expect(registry.activeSessionCount()).toBe(1);
  });

  it('stops its sweeper on dispose', () => {
    const { registry, clock } = setup();
    registry.dispose();
    expect(clock.pendingTimers).toBe(0);
    expect(registry.apply(msg.started('s1'))).toBe('ignored');
  });
});
