/**
 * Sessions whose login an override sets (issue 9 item 3): marked, they hold back no switch and do
 * not count as live for the session-owner guard. The schema takes booleans only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src-main/engine/ports.js';
import { createSessionRegistry, type SessionRegistry } from '../../src-main/engine/sessions/session-registry.js';
import type { LoginOverrides } from '../../src-main/shared/heartbeat-protocol.js';
import { parseClientMessage } from '../../src-main/shared/heartbeat-schema.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { RecordingSink, msg } from './message-builders.js';

let registry: SessionRegistry | null = null;
afterEach(() => registry?.dispose());

const NONE: LoginOverrides = { ANTHROPIC_AUTH_TOKEN: false, CLAUDE_CODE_OAUTH_TOKEN: false, ANTHROPIC_API_KEY: false, apiKeyHelper: false };
const OAUTH: LoginOverrides = { ...NONE, CLAUDE_CODE_OAUTH_TOKEN: true };

function setup(): SessionRegistry {
  registry = createSessionRegistry({
    clock: new FakeClock(),
    logger: silentLogger,
    events: new RecordingSink(),
    activeAccount: { accountId: () => 'acct-1' },
  });
  return registry;
}

describe('unrotatable sessions in the registry', () => {
  it('marks a session started with an overriding login, in precedence order', () => {
    const r = setup();
    r.apply(msg.started('s1', { loginOverrides: { ...OAUTH, apiKeyHelper: true, ANTHROPIC_AUTH_TOKEN: true } }));
    r.apply(msg.started('s2', { loginOverrides: NONE }));
    r.apply(msg.started('s3'));
    expect(r.sessions().map((s) => [s.id, s.loginOverrides])).toEqual([
      ['s1', ['ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'apiKeyHelper']],
      ['s2', []],
      ['s3', []],
    ]);
  });

  it('does not let its tool calls hold back a switch, and does not count it as live for the guard', () => {
    const r = setup();
    r.apply(msg.started('desktop', { loginOverrides: OAUTH }));
    r.apply(msg.started('cli'));
    r.apply(msg.toolStart('desktop', 'Bash', 'toolu_d'));
    expect(r.blockingSessions('tool')).toEqual([]);
    expect(r.rotatableAliveCount()).toBe(1);
    r.apply(msg.toolStart('cli', 'Bash', 'toolu_c'));
    expect(r.blockingSessions('tool').map((b) => b.sessionId)).toEqual(['cli']);
    r.apply(msg.ended('cli'));
    expect(r.rotatableAliveCount()).toBe(0);
    expect(r.anyAlive()).toBe(true);
  });

  it('learns it from a turn when the monitor started after the session', () => {
    const r = setup();
    r.apply(msg.alive('s1'));
    expect(r.rotatableAliveCount()).toBe(1);
    r.apply({ v: 1, type: 'turn-started', sessionId: 's1', loginOverrides: { ...NONE, ANTHROPIC_API_KEY: true } });
    expect(r.sessions()[0]?.loginOverrides).toEqual(['ANTHROPIC_API_KEY']);
    expect(r.rotatableAliveCount()).toBe(0);
  });

  it('keeps what it knew when a later message does not say', () => {
    const r = setup();
    r.apply(msg.started('s1', { loginOverrides: OAUTH }));
    r.apply(msg.turn('s1'));
    expect(r.sessions()[0]?.loginOverrides).toEqual(['CLAUDE_CODE_OAUTH_TOKEN']);
  });
});

describe('loginOverrides on the wire', () => {
  const frame = (loginOverrides: unknown) => JSON.stringify({ v: 1, type: 'turn-started', sessionId: 's1', loginOverrides });

  it('takes the four booleans', () => {
    const parsed = parseClientMessage(frame(OAUTH));
    expect(parsed.ok && parsed.value.type === 'turn-started' && parsed.value.loginOverrides).toEqual(OAUTH);
  });

  it('refuses a value in place of a boolean, and any other key', () => {
    expect(parseClientMessage(frame({ ...NONE, CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-secret' })).ok).toBe(false);
    expect(parseClientMessage(frame({ ...NONE, ANTHROPIC_BASE_URL: true })).ok).toBe(false);
    const refused = parseClientMessage(frame({ ...NONE, CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-secret' }));
    expect(!refused.ok && refused.error.message).not.toContain('sk-ant');
  });
});
