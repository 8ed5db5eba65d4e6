/** The dashboard's entry point: picks the bridge, creates the shared state, mounts the app. */
import './styles/app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { createBridge } from './lib/bridge.js';
import { FleetState } from './lib/fleet-state.svelte.js';
import { ThemeState } from './lib/theme.svelte.js';
import { Ticker } from './lib/ticker.svelte.js';

const target = document.getElementById('app');
if (!target) throw new Error('index.html must contain <div id="app">.');
target.replaceChildren();

const bridge = createBridge(window);
const fleet = new FleetState(bridge, new Ticker());
const theme = new ThemeState(storageOrNull());

mount(App, { target, props: { fleet, theme } });

function storageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
