import { describe, expect, it } from 'vitest';
import { createElectronNotifier, createNotificationWatcher } from '../../src-main/shell/notifications/notifier.js';
import { LONG_DEFERRAL_MS } from '../../src-main/shell/notifications/decide-notifications.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakeNotifications } from '../fakes/fake-electron.js';
import { createFakeEngine, makeAccountRow } from '../fakes/fake-engine.js';
import { createRecordingLogger } from './shell-helpers.js';
import { watchMachineReach } from '../../src-main/host/machine-reach-watch.js';
import { ACCESS_TOKEN_LIFETIME_MS } from '../../src-main/shared/machine-reach.js';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import { silentLogger } from '../../src-main/engine/ports.js';

function setUp() {
  const clock = new FakeClock();
  const engine = createFakeEngine();
  const port = new FakeNotifications();
  const logger = createRecordingLogger();
  const notifier = createElectronNotifier(port, logger);
  const watcher = createNotificationWatcher({ engine, notifier, clock, logger, formatClock: () => 'later' });
  return { clock, engine, port, logger, watcher };
}

const two = makeAccountRow({ id: 'acct-2', email: 'two@example.com', active: false, order: 1 });

describe('notification watcher', () => {
  it('shows a native notification when the engine switches accounts', () => {
    const { engine, port, clock } = setUp();
    engine.setSnapshot({ accounts: [...engine.snapshotValue.accounts, two] });
    engine.setSnapshot({
      lastSwitch: { atMs: clock.now(), trigger: 'exhaustion', fromId: 'acct-1', toId: 'acct-2' },
      activeAccountId: 'acct-2',
    });
    expect(port.shown).toEqual([{ title: 'Switched to two@example.com', body: 'From one@example.com: its 7-day quota is used up.' }]);
  });

  it('stays silent when notifications are turned off in the settings', () => {
    const { engine, port, clock } = setUp();
    const settings = { ...engine.snapshotValue.settings, notifications: false };
    engine.setSnapshot({ settings, accounts: [...engine.snapshotValue.accounts, two] });
    engine.setSnapshot({ lastSwitch: { atMs: clock.now(), trigger: 'manual', fromId: 'acct-1', toId: 'acct-2' } });
    expect(port.shown).toEqual([]);
  });

  it('announces a deferral that lasts, once', async () => {
    const { engine, port, clock } = setUp();
    engine.eventList.push({ atMs: clock.now(), kind: 'switch-deferred', level: 'info', message: 'Deferred the switch.' });
    engine.setSnapshot({});
    await clock.advance(LONG_DEFERRAL_MS);
    engine.setSnapshot({});
    engine.setSnapshot({});
    expect(port.shown.map((n) => n.body)).toEqual(['Deferred the switch. Waiting for 3m.']);
  });

  it('reads each engine event once, so a deferral that ended is not revived by the same event', async () => {
    const { engine, port, clock } = setUp();
    engine.setSnapshot({ accounts: [...engine.snapshotValue.accounts, two] });
    engine.eventList.push({ atMs: clock.now(), kind: 'switch-deferred', level: 'info', message: 'Deferred the switch.' });
    engine.setSnapshot({});
    await clock.advance(60_000);
    engine.setSnapshot({ lastSwitch: { atMs: clock.now(), trigger: 'breach', fromId: 'acct-1', toId: 'acct-2' } });
    engine.setSnapshot({});
    await clock.advance(LONG_DEFERRAL_MS);
    engine.setSnapshot({});
    expect(port.shown.map((n) => n.title)).toEqual(['Switched to two@example.com']);
  });

  it('logs and carries on when deciding fails', () => {
    const { engine, logger, port, clock } = setUp();
    engine.throwOn.add('events');
    engine.setSnapshot({});
    engine.throwOn.delete('events');
    engine.setSnapshot({ accounts: [...engine.snapshotValue.accounts, two] });
    engine.setSnapshot({ lastSwitch: { atMs: clock.now(), trigger: 'manual', fromId: 'acct-1', toId: 'acct-2' } });
    expect(logger.lines.some((l) => l.level === 'error' && l.message === 'deciding notifications failed')).toBe(true);
    expect(port.shown).toHaveLength(1);
  });

  it('stops listening when disposed', () => {
    const { engine, watcher } = setUp();
    expect(engine.listenerCount).toBe(1);
    watcher.dispose();
    expect(engine.listenerCount).toBe(0);
  });
});

describe('Electron notifier', () => {
  it('shows nothing and logs where notifications are not supported', () => {
    const port = new FakeNotifications();
    port.supported = false;
    const logger = createRecordingLogger();
    createElectronNotifier(port, logger).notify('t', 'b');
    expect(port.shown).toEqual([]);
    expect(logger.lines[0]?.message).toBe('notifications are not supported here');
  });

  it('never throws when the OS refuses a notification', () => {
    const logger = createRecordingLogger();
    const notifier = createElectronNotifier(
      {
        isSupported: () => true,
        show: () => {
          throw new Error('denied');
        },
      },
      logger,
    );
    expect(() => notifier.notify('t', 'b')).not.toThrow();
    expect(logger.lines[0]).toMatchObject({ level: 'warn', fields: { error: 'denied' } });
  });

  it('shows one notification per machine per outage when a machine stays out of reach longer than its login lasts', async () => {
    const { engine, port, clock } = setUp();
    const away = (id: string, host: string, lastSeenMs: number): MachineView => ({
      ...{ id, host, agentVersion: '0.1.0', connected: false, lastSeenMs, lagging: false, lagMs: 0, revoked: false },
      held: { accountId: 'acct-1', generation: 2, fingerprint: 'ab12cd34' },
      heldExpiresAtMs: null,
    });
    const machines = [away('m-1', 'devbox', clock.now()), away('m-2', 'laptop', clock.now() + 3_600_000)];
    // The host's watch writes events where the engine's event log would, and re-publishes the snapshot.
    const watch = (): ReturnType<typeof watchMachineReach> =>
      watchMachineReach({
        source: { list: () => machines, subscribe: () => () => undefined },
        clock,
        events: { append: (e) => engine.eventList.push(e) },
        logger: silentLogger,
        changed: () => engine.setSnapshot({}),
        firstCheckMs: 60_000,
      });
    const first = watch();
    await clock.advance(ACCESS_TOKEN_LIFETIME_MS);
    expect(port.shown.map((n) => n.title)).toEqual(['devbox is out of reach']);
    expect(port.shown[0]?.body).toContain('longer than the login it holds lasts');
    await clock.advance(3_600_000);
    engine.setSnapshot({});
    // A restarted hub announces the same outages again: the tray still shows each once.
    first.dispose();
    const second = watch();
    second.check();
    await clock.advance(10 * 3_600_000);
    expect(port.shown.map((n) => n.title)).toEqual(['devbox is out of reach', 'laptop is out of reach']);
    second.dispose();
  });
});
