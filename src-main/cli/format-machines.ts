/**
 * `status`'s Machines section (a hub's agents, or demo mode's made-up ones): one line per machine —
 * host, state (connected, lagging, last seen, out of reach, revoked), the login it holds (account,
 * generation, fingerprint; "behind" when older than the current one), its live sessions — and where
 * the live sessions run. Fits `columns` (default 80): the host is shortened first, then the line.
 */
import { formatDuration } from '../shared/format.js';
import { isBehind, isOutOfReach } from '../shared/machine-reach.js';
import type { MachineView } from '../shared/machines-view.js';
import type { FleetSnapshot } from '../shared/view-model.js';

const GREEN = '\u001b[32m';
const YELLOW = '\u001b[33m';
const RED = '\u001b[31m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';
const length = (text: string): number => [...text].length;
const cut = (text: string, width: number): string =>
  length(text) <= width ? text : `${[...text].slice(0, Math.max(0, width - 1)).join('')}…`;
const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - length(text)));

function stateOf(m: MachineView, nowMs: number): { text: string; colour: string } {
  if (m.revoked) return { text: 'revoked', colour: DIM };
  if (m.connected) return m.lagging ? { text: 'lagging', colour: YELLOW } : { text: 'connected', colour: GREEN };
  const away = `away ${formatDuration(nowMs - m.lastSeenMs)}`;
  return isOutOfReach(m, nowMs) ? { text: `⚠ ${away}`, colour: RED } : { text: away, colour: DIM };
}

/** The section's lines (none when there is no machine); `color` only on a terminal without NO_COLOR. */
export function formatMachinesSection(
  snapshot: Pick<FleetSnapshot, 'accounts' | 'sessions'>,
  machines: readonly MachineView[],
  nowMs: number,
  style: { readonly columns?: number; readonly color?: boolean } = {},
): string[] {
  if (machines.length === 0) return [];
  const columns = style.columns && style.columns > 40 ? style.columns : 80;
  const nameOf = (accountId: string): string => {
    const row = snapshot.accounts.find((a) => a.id === accountId);
    return row ? (row.label ?? row.email.split('@')[0] ?? row.email) : accountId.slice(0, 8);
  };
  const sessionsOn = (id: string): number => snapshot.sessions.filter((s) => s.machineId === id).length;
  const rows = machines.map((m) => {
    const n = sessionsOn(m.id);
    const sessions = `${n} session${n === 1 ? '' : 's'}`;
    const lag = m.connected && m.lagMs > 0 ? ` wait ${Math.round(m.lagMs / 1000)}s` : '';
    const behind = isBehind(m) ? ' behind' : '';
    const holds = m.held ? `${nameOf(m.held.accountId)} gen ${m.held.generation}` : 'no login yet';
    // With the fingerprint when it fits, else without.
    const rests = [
      ...(m.held ? [`${holds} ${m.held.fingerprint}${behind}${lag}  ${sessions}`] : []),
      `${holds}${behind}${lag}  ${sessions}`,
    ];
    return { m, host: m.host, state: stateOf(m, nowMs), rests };
  });
  const stateWidth = Math.max(...rows.map((r) => length(r.state.text)));
  const hostWidth = Math.min(Math.max(...rows.map((r) => length(r.host))), 22);
  const connected = machines.filter((m) => m.connected).length;
  const lines = ['', `Machines (${connected} of ${machines.length} connected):`];
  for (const r of rows) {
    const head = `  ${pad(cut(r.host, hostWidth), hostWidth)}  ${pad(r.state.text, stateWidth)}  `;
    const rest = r.rests.find((text) => length(head) + length(text) <= columns) ?? r.rests.at(-1) ?? '';
    const plain = cut(`${head}${rest}`, columns);
    lines.push(style.color ? plain.replace(r.state.text, `${r.state.colour}${r.state.text}${RESET}`) : plain);
    if (isOutOfReach(r.m, nowMs)) {
      lines.push(cut('    its login ran out while away: its Claude Code stops until it reconnects', columns));
    }
  }
  const remote = snapshot.sessions.filter((s) => s.machineId !== undefined).length;
  if (snapshot.sessions.length > 0) {
    const local = snapshot.sessions.length - remote;
    lines.push(cut(`Live sessions: ${snapshot.sessions.length} (${remote} on other machines, ${local} on this one)`, columns));
  }
  return lines;
}
