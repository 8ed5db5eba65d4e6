/** Pushes every engine snapshot to the dashboard window on `SNAPSHOT_CHANNEL` while it exists. */
import { SNAPSHOT_CHANNEL } from '../../shared/contract.js';
import type { Engine, Logger } from '../../engine/index.js';
import type { BrowserWindowPort } from '../electron-ports.js';

export interface PushSnapshotsDeps {
  readonly engine: Pick<Engine, 'subscribe'>;
  readonly currentWindow: () => BrowserWindowPort | null;
  readonly logger: Logger;
}

/** Starts pushing; returns the unsubscribe function. A hidden window keeps receiving, so it is current when shown. */
export function pushSnapshots(deps: PushSnapshotsDeps): () => void {
  return deps.engine.subscribe((snapshot) => {
    try {
      const window = deps.currentWindow();
      if (!window || window.isDestroyed() || window.webContents.isDestroyed()) return;
      window.webContents.send(SNAPSHOT_CHANNEL, snapshot);
    } catch (error) {
      deps.logger.warn('could not push a snapshot to the dashboard', { error: error instanceof Error ? error.message : String(error) });
    }
  });
}
