/**
 * The dashboard window's preload (sandboxed, so bundled to CommonJS by scripts/build-shell.mjs):
 * exposes the contract bridge as `window.ccmax` and nothing else — no `ipcRenderer`, no Node.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridgeApi } from './bridge-api.js';

contextBridge.exposeInMainWorld('ccmax', createBridgeApi(ipcRenderer));
