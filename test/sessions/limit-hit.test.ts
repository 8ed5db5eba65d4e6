/** A turn that ends on the usage limit reaches the engine as a limit hit (issue 9 item 4). */
import { afterEach, describe, expect, it } from 'vitest';
import { toHookMessage } from '../../src-main/cli/heartbeat/hook-message.js';
import { formatStatus } from '../../src-main/cli/heartbeat/statusline.js';
import { silentLogger } from '../../src-main/engine/ports.js';
import { parseClientMessage } from '../../src-main/shared/heartbeat-schema.js';
import { createSessionRegistry, type LimitHit, type SessionRegistry } from '../../src-main/engine/sessions/session-registry.js';
import { limitHitReading } from '../../src-main/engine/sessions/limit-rescue.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { RecordingSink, msg } from './message-builders.js';

/** StopFailure as Claude Code 2.1.331 sends it after a 429 `rate_limit_error` (captured from the real CLI). */
const STOP_FAILURE = {
  session_id: '7d24f100-b421-4d8f-9816-852212994b09',
  transcript_path: '/home/dev/.claude/projects/-home-dev-project/7d24f100-b421-4d8f-9816-852212994b09.jsonl',
  cwd: '/home/dev/project',
  prompt_id: 'e10984ea-89b4-444c-b0ed-874b04fcddd3',
  effort: { level: 'medium' },
  hook_event_name: 'StopFailure',
  error: 'rate_limit',
  last_assistant_message: "You've hit your 5-hour limit · resets 3:57pm (UTC)",
};

let registry: SessionRegistry | null = null;
afterEach(() => registry?.dispose());

describe('limit hits', () => {
  it('maps StopFailure to turn-ended with its error, and the server accepts it', () => {
    const message = toHookMessage(STOP_FAILURE, { host: 'devbox', claudePid: null, claudeVersion: null });
    expect(message).toMatchObject({ type: 'turn-ended', failed: true, error: 'rate_limit' });
    const parsed = parseClientMessage(JSON.stringify(message));
    expect(parsed.ok && parsed.value).toMatchObject({ type: 'turn-ended', error: 'rate_limit' });
    // A client that predates the field still validates.
    expect(parseClientMessage(JSON.stringify({ ...message, error: undefined })).ok).toBe(true);
  });

  it('reports a limit hit for rate_limit only, before the message is acknowledged', async () => {
    const clock = new FakeClock();
    registry = createSessionRegistry({
      clock,
      logger: silentLogger,
      events: new RecordingSink(),
      activeAccount: { accountId: () => 'acct-1' },
    });
    const hits: LimitHit[] = [];
    registry.onLimitHit((hit) => hits.push(hit));
    registry.apply(msg.started('s1'));
    registry.apply(msg.turn('s1'));
    registry.apply({ ...msg.turnEnd('s1'), failed: true, error: 'server_error' } as never);
    registry.apply(msg.turn('s1'));
    await clock.advance(100);
    registry.apply({ ...msg.turnEnd('s1'), failed: true, error: 'rate_limit' } as never);
    expect(hits).toEqual([{ sessionId: 's1', host: 'devbox', atMs: clock.now() }]);
  });

  it('stands for the held figures with the 5-hour window at 100 %', () => {
    const held = {
      fiveHour: { utilizationPct: 72, resetsAtMs: 50_000 },
      sevenDay: { utilizationPct: 40, resetsAtMs: 900_000 },
      extra: {},
      readAtMs: 1_000,
      source: 'poll' as const,
    };
    expect(limitHitReading(held, 10_000)).toMatchObject({
      fiveHour: { utilizationPct: 100, resetsAtMs: 50_000 },
      sevenDay: held.sevenDay,
      figuresAtMs: 10_000,
    });
    // No open window known: one opens now.
    expect(limitHitReading(undefined, 10_000).fiveHour).toEqual({ utilizationPct: 100, resetsAtMs: 10_000 + 5 * 3_600_000 });
  });

  it('prints the rescue notice in the statusline', () => {
    const line = formatStatus(
      { account: 'casey@x', fiveHourPct: 3, sevenDayPct: 20, notice: 'limit hit on blake@x · next prompt runs on casey@x' },
      null,
      true,
    );
    expect(line).toBe('▶ casey@x · 5h 3% · 7d 20% · limit hit on blake@x · next prompt runs on casey@x');
  });
});
