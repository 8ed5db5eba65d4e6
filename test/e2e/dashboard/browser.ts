/**
 * Chromium for the dashboard's browser tests and the UI benchmark: the Debian `chromium` package
 * driven by playwright-core (no browser is ever downloaded).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CCMAX_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a quiet, offline, container-friendly Chromium. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when the Chromium binary is installed (`apt-get install chromium`). */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
