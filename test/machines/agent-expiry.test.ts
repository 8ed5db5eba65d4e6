/**
 * An agent holds an access token only, so it warns — once per held token — when that token nears
 * its expiry without a newer one from the hub (the hub away, or unable to refresh), and says when
 * it has expired; a fresh push (a later expiry) ends the warnings. Real timers, short spans.
 */
import { describe, expect, it } from 'vitest';
import { watchHeldExpiry } from '../../src-main/agent/agent-expiry.js';
import type { Logger } from '../../src-main/engine/ports.js';
import type { HeldLogin } from '../../src-main/shared/machines-protocol.js';

function recorder(): { logger: Logger; lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, logger: { debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') } };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('held-token expiry warnings on an agent', () => {
  it('warns before expiry while the hub is away, then says it expired; each once', async () => {
    const { logger, lines } = recorder();
    let held: HeldLogin | null = { accountId: 'acct-a', generation: 3, fingerprint: 'f1', expiresAtMs: Date.now() + 1_000 };
    const watch = watchHeldExpiry({ held: () => held, connected: () => false, logger, warningMs: 800 });
    watch.rearm();
    expect(lines).toEqual([]);
    await sleep(600);
    expect(lines.map((l) => l.level)).toEqual(['warn']);
    expect(lines[0]!.message).toMatch(/expires in \d+ min and the hub is out of reach/);
    expect(lines[0]!.message).toContain('cannot make requests until the hub is back');
    expect(lines[0]!.fields).toMatchObject({ accountId: 'acct-a', generation: 3 });
    watch.rearm(); // a reconnect attempt re-arms: no second warning for the same token
    await sleep(1_000);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
    expect(lines[1]!.message).toContain('has expired and the hub is out of reach');
    held = { ...held, fingerprint: 'f2', expiresAtMs: Date.now() + 60_000 };
    watch.rearm();
    await sleep(50);
    expect(lines).toHaveLength(2);
    watch.stop();
  });

  it('while connected, names the hub not sending a newer token; nothing for a token far from expiry or of unknown expiry', async () => {
    const { logger, lines } = recorder();
    let held: HeldLogin | null = { accountId: 'acct-a', generation: 1, fingerprint: 'f1', expiresAtMs: Date.now() + 10 * 60_000 };
    const watch = watchHeldExpiry({ held: () => held, connected: () => true, logger, warningMs: 20 * 60_000 });
    watch.rearm();
    expect(lines[0]?.message).toContain('the hub has not sent a newer one');
    held = { ...held, fingerprint: 'f2', expiresAtMs: Date.now() + 60 * 60_000 };
    watch.rearm();
    held = { ...held, fingerprint: 'f3', expiresAtMs: null };
    watch.rearm();
    await sleep(20);
    expect(lines).toHaveLength(1);
    watch.stop();
  });
});
