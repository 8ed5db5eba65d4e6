/**
 * The Electron security checklist (STYLE.md) as code: no navigation, no new windows, no webviews,
 * no permissions, and external links only to an allow-list of https sites, opened in the user's
 * browser. Applied to every web contents the app creates, not only the dashboard.
 */
import type { Logger } from '../engine/index.js';
import type { SessionPort, ShellPort, WebContentsPort } from './electron-ports.js';

/** Sites the dashboard may link to; anything else is refused. https only, exact host match. */
export const EXTERNAL_HOST_ALLOWLIST: readonly string[] = [
  'claude.ai',
  'docs.claude.com',
  'docs.anthropic.com',
  'support.anthropic.com',
  'status.anthropic.com',
  'github.com',
];

/** True for an `https:` URL on an allow-listed host, without credentials or an odd port. */
export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === '' &&
    EXTERNAL_HOST_ALLOWLIST.includes(parsed.hostname)
  );
}

export interface HardenDeps {
  readonly shell: ShellPort;
  readonly logger: Logger;
}

/**
 * Locks down one web contents: every navigation, redirect and window.open is refused; an
 * allow-listed https link goes to the user's browser instead; `<webview>` never attaches.
 */
export function hardenWebContents(contents: WebContentsPort, deps: HardenDeps): void {
  const refuseNavigation = (event: { preventDefault(): void }, url: string): void => {
    event.preventDefault();
    openIfAllowed(url, deps, 'navigation');
  };
  contents.on('will-navigate', refuseNavigation);
  contents.on('will-redirect', refuseNavigation);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    deps.logger.warn('refused to attach a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    openIfAllowed(url, deps, 'window.open');
    return { action: 'deny' };
  });
}

/** Denies every permission request and check (camera, notifications, geolocation, …). */
export function hardenSession(session: SessionPort, logger: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    logger.warn('refused a permission request', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
}

function openIfAllowed(url: string, deps: HardenDeps, via: string): void {
  if (!isAllowedExternalUrl(url)) {
    deps.logger.warn(`refused ${via} to a URL outside the allow-list`, { url: safeForLog(url) });
    return;
  }
  deps.shell.openExternal(url).catch((error: unknown) => {
    deps.logger.warn('could not open a link in the browser', { error: error instanceof Error ? error.message : String(error) });
  });
}

/** Origin and path only: a refused URL's query could carry anything. */
function safeForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}
