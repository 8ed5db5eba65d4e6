/**
 * The tray app's life around the engine: pause on suspend and resume on wake, stay alive with no
 * window, and on quit stop the engine (bounded by a timeout) before tearing the windows down.
 */
import type { Clock, Logger } from '../engine/index.js';
import type { AppPort, PowerMonitorPort } from './electron-ports.js';
import type { DesktopEngine } from './engine-factory.js';

/** Where quitting stands: `quitting` once asked, `closed` once the engine stopped (or timed out). */
export interface LifecycleState {
  quitting: boolean;
  closed: boolean;
}

/** Pauses the engine on suspend and resumes it on wake; failures are logged. */
export function wirePower(powerMonitor: PowerMonitorPort, power: DesktopEngine['power'], logger: Logger): void {
  const onPower = (what: 'pause' | 'resume') => () => {
    power[what]().catch((error: unknown) =>
      logger.error(`engine ${what} on ${what === 'pause' ? 'suspend' : 'resume'} failed`, { error: String(error) }),
    );
  };
  powerMonitor.on('suspend', onPower('pause'));
  powerMonitor.on('resume', onPower('resume'));
}

export interface QuitDeps {
  readonly app: AppPort;
  readonly desktop: Pick<DesktopEngine, 'close'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long quitting waits for the engine to stop before exiting anyway. Default 5 s. */
  readonly quitTimeoutMs?: number;
  readonly state: LifecycleState;
  /** Destroys the tray and the windows, once the engine stopped. */
  readonly teardown: () => void;
}

/** Holds the first quit until the engine stopped, then tears down and quits for real. */
export function wireQuit(deps: QuitDeps): void {
  const { app, clock, logger, state } = deps;
  // A tray app lives on with no window open; without this listener Electron would quit.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    if (state.closed) return;
    event.preventDefault();
    if (state.quitting) return;
    state.quitting = true;
    void shutDown();
  });

  const shutDown = async (): Promise<void> => {
    const timeoutMs = deps.quitTimeoutMs ?? 5_000;
    let timer: ReturnType<Clock['setTimeout']> | null = null;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = clock.setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([deps.desktop.close().then(() => 'closed' as const), timedOut]);
      if (outcome === 'timeout') logger.warn('the engine did not stop in time; quitting anyway', { timeoutMs });
    } catch (error) {
      logger.error('stopping the engine failed', { error: String(error) });
    } finally {
      if (timer !== null) clock.clearTimeout(timer);
      state.closed = true;
      deps.teardown();
      app.quit();
    }
  };
}
