/**
 * The desktop store adapter: electron-store (the `conf` API, Electron-aware) for `state.json` and
 * `usage-cache.json`. Same safety options as the Node adapter: our own schema check and backups
 * decide what is valid, so the store must never clear a file itself.
 */
import ElectronStore from 'electron-store';
import type { StoreAdapterFactory } from '../engine/index.js';

export const electronStoreAdapter: StoreAdapterFactory = (options) =>
  new ElectronStore<Record<string, unknown>>({
    cwd: options.cwd,
    name: options.configName,
    configFileMode: options.configFileMode,
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
    watch: false,
  });
