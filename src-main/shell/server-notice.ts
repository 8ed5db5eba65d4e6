/** What to tell the user, once at start, about the local server: nothing when it serves. */
import type { LocalServerStatus } from '../host/local-server.js';

export interface ServerNotice {
  readonly title: string;
  readonly body: string;
}

/** The native notification for a local-server status; null for `serving`. Pure. */
export function toServerNotice(status: LocalServerStatus): ServerNotice | null {
  switch (status.kind) {
    case 'serving':
      return null;
    case 'deferring':
      return {
        title: 'Another ccmax-monitor is running',
        body:
          `Another ccmax-monitor is serving on ${authorityOf(status.url)}; live sessions report to it. ` +
          'This app shows the saved state and leaves rotation, logins and changes to it. Quit that one and restart this app to let it take over.',
      };
    case 'port-taken':
      return {
        title: 'Live sessions cannot reach ccmax-monitor',
        body:
          `Another program is using ${status.address}, so Claude Code hooks cannot report here. ` +
          'Choose another listening port in Settings and restart ccmax-monitor.',
      };
    case 'refused':
      return {
        title: 'The local server did not start',
        body: `${status.message.replace(/\.?$/, '.')} The tray and the dashboard work; Claude Code hooks cannot report here.`,
      };
  }
}

/** `127.0.0.1:47821` from `http://127.0.0.1:47821`; the URL itself when it does not parse. */
function authorityOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
