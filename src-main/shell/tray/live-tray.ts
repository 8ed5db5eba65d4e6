/**
 * The tray kept in step with the engine: redrawn on every snapshot and, because countdowns ("back in
 * 2h 5m") age between snapshots, once a minute on a quiet fleet too.
 */
import type { Clock, Engine } from '../../engine/index.js';
import { createTrayController, type TrayDeps } from './tray.js';
import { toTrayModel } from './tray-model.js';

const TRAY_TICK_MS = 60_000;

export interface LiveTrayDeps<Image, MenuT> extends TrayDeps<Image, MenuT> {
  readonly engine: Engine;
  readonly clock: Clock;
  /** The minute ticks stop once this is true. */
  readonly isClosed: () => boolean;
}

export interface LiveTray {
  /** Redraws from the engine's snapshot now (a failure is logged). */
  refresh(): void;
  destroy(): void;
}

/** Creates the tray from the engine's snapshot and keeps it current. */
export function startLiveTray<Image, MenuT>(deps: LiveTrayDeps<Image, MenuT>): LiveTray {
  const { engine, clock, logger } = deps;
  const trayModel = () => toTrayModel(engine.snapshot(), deps.platform, clock.now());
  const tray = createTrayController(
    {
      loadImage: deps.loadImage,
      createTray: deps.createTray,
      buildMenu: deps.buildMenu,
      platform: deps.platform,
      onCommand: deps.onCommand,
      logger,
    },
    trayModel(),
  );
  const refresh = (): void => {
    try {
      tray.update(trayModel());
    } catch (error) {
      logger.error('updating the tray failed', { error: String(error) });
    }
  };
  engine.subscribe(refresh);
  const tick = (): void => {
    refresh();
    if (!deps.isClosed()) clock.setTimeout(tick, TRAY_TICK_MS);
  };
  clock.setTimeout(tick, TRAY_TICK_MS);
  return { refresh, destroy: () => tray.destroy() };
}
