/**
 * What the tray shows in "connect to a hub" mode, as a pure function of the agent's state: whether
 * the hub connection is up, which login (account, generation, fingerprint) this machine holds, or
 * that the hub refused this machine. While the hub is out of reach it also says when the access
 * token this machine holds runs out (agents hold no refresh token: after that Claude Code here
 * waits for the hub). The fleet itself is on the hub's dashboard.
 */
import { formatDuration } from '../../shared/format.js';
import type { QuotaLevel } from '../../shared/levels.js';
import type { HeldLogin } from '../../shared/machines-protocol.js';
import { TOOLTIP_MAX_CHARS, trayIconName, type TrayMenuItem, type TrayModel } from './tray-model.js';

export interface AgentModeStatus {
  /** The hub's address as the user gave it. */
  readonly hubUrl: string;
  readonly connected: boolean;
  readonly held: HeldLogin | null;
  /** Why the hub refused this machine for good (wrong token, revoked); null while it has not. */
  readonly refused: string | null;
  /** Now (epoch ms), for the held token's remaining life; omitted: not shown. */
  readonly nowMs?: number;
}

/** The hub's dashboard address (`ws(s)://` and a trailing `/agent` turned back into the page URL). */
export function hubDashboardUrl(hubUrl: string): string | null {
  try {
    const url = new URL(hubUrl);
    if (url.protocol === 'ws:') url.protocol = 'http:';
    else if (url.protocol === 'wss:') url.protocol = 'https:';
    else if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.pathname = url.pathname.replace(/\/agent\/?$/, '/');
    return url.toString();
  } catch {
    return null;
  }
}

const describe = (status: AgentModeStatus): { level: QuotaLevel; line: string } => {
  if (status.refused !== null) return { level: 'exhausted', line: `Refused by the hub: ${status.refused}` };
  const holds = status.held ? ` · holds ${status.held.accountId.slice(0, 8)} (generation ${status.held.generation})` : '';
  if (status.connected) return { level: 'ok', line: `Connected to the hub${holds}` };
  const expiresAtMs = status.held?.expiresAtMs ?? null;
  if (expiresAtMs !== null && status.nowMs !== undefined) {
    if (status.nowMs >= expiresAtMs)
      return { level: 'exhausted', line: `Reaching the hub…${holds} · token expired: Claude Code waits for the hub` };
    return { level: 'high', line: `Reaching the hub…${holds} · token expires in ${formatDuration(expiresAtMs - status.nowMs)}` };
  }
  return { level: 'high', line: `Reaching the hub…${holds || ' · holds no login yet'}` };
};

export function agentTrayModel(status: AgentModeStatus, platform: NodeJS.Platform): TrayModel {
  const { level, line } = describe(status);
  const host = (() => {
    try {
      return new URL(status.hubUrl).host;
    } catch {
      return status.hubUrl;
    }
  })();
  const menu: TrayMenuItem[] = [
    { kind: 'item', id: 'agent-status', label: line, enabled: false, command: null },
    { kind: 'item', id: 'agent-hub', label: `Hub: ${host}`, enabled: false, command: null },
    { kind: 'separator' },
    {
      kind: 'item',
      id: 'open-hub-dashboard',
      label: 'Open the hub’s dashboard',
      enabled: hubDashboardUrl(status.hubUrl) !== null,
      command: { kind: 'open-dashboard' },
    },
    { kind: 'separator' },
    { kind: 'item', id: 'quit', label: 'Quit ccmax-monitor', enabled: true, command: { kind: 'quit' } },
  ];
  return {
    level,
    iconName: trayIconName(level, platform),
    tooltip: `ccmax-monitor agent · ${line}`.slice(0, TOOLTIP_MAX_CHARS),
    title: '',
    menu,
  };
}
