import { describe, expect, test } from 'vitest';
import { createEngineEvents } from '../../src-main/engine/engine-events.js';
import { createMemoryEventLog } from '../../src-main/engine/events/memory-event-log.js';
import { createLoginSafety } from '../../src-main/engine/fleet/login-safety.js';
import type { LoginFallback } from '../../src-main/engine/vault/login-fallback.js';
import type { VaultRecord } from '../../src-main/engine/vault/credentials.js';
import { ok } from '../../src-main/shared/result.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { MemoryVault, vaultRecord } from '../fakes/memory-vault.js';

function setup() {
  const clock = new FakeClock();
  const log = createMemoryEventLog();
  const vault = new MemoryVault();
  const safety = createLoginSafety({ events: createEngineEvents({ clock, sink: log }), vault, emailOf: (id) => `${id}@example.com` });
  return { clock, log, vault, safety };
}

describe('login safety', () => {
  test('a login saved nowhere is at risk until a refresh saves it; one in a fallback file is not', () => {
    const { log, safety } = setup();
    safety.unsaved('one', null);
    safety.unsaved('two', '/data/fallback/two.json');
    expect(safety.atRisk()).toEqual(['one']);
    expect(log.query()[1]?.message).toContain('could not be saved — not to the vault, nor to a fallback file');
    expect(log.query()[0]).toMatchObject({ kind: 'vault-error', accountId: 'two', data: { fallbackFile: '/data/fallback/two.json' } });
    safety.saved('one');
    expect(safety.atRisk()).toEqual([]);
    safety.stopped(['three']);
    expect(safety.atRisk()).toEqual(['three']);
  });

  test('recovers fallback logins into the vault and reports the ones the vault still refuses', async () => {
    const { clock, log, vault, safety } = setup();
    const record = (token: string): VaultRecord =>
      vaultRecord({ accessToken: token, refreshToken: `r-${token}`, expiresAtMs: clock.now() + 1000 });
    const held = new Map<string, VaultRecord>([
      ['one', record('a')],
      ['two', record('b')],
    ]);
    const fallback: LoginFallback = {
      dirs: ['/nowhere'],
      save: async () => ok('/nowhere'),
      remove: async (id: string) => void held.delete(id),
      loadAll: async () => [...held].map(([accountId, r]) => ({ accountId, record: r })),
    };
    const write = vault.write.bind(vault);
    vault.write = async (id, r) => (id === 'two' ? { ok: false, error: { kind: 'unavailable', message: 'locked' } } : write(id, r));
    await safety.recover(fallback);
    expect(vault.records.get('one')?.credentials.accessToken).toBe('a');
    expect(log.query().map((e) => `${e.kind}:${e.accountId}`)).toEqual(['vault-error:two', 'token-refreshed:one']);
    expect([...held.keys()]).toEqual(['two']);
  });
});
