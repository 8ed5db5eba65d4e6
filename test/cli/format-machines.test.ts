/**
 * `status`'s Machines section (issue 13 item 5): one line per machine that fits 80 columns (the
 * fingerprint goes first when it would not), its state words (connected, lagging, away, out of
 * reach with a note, revoked), the login it holds, "behind", live sessions per machine; colour only
 * when asked (a terminal without NO_COLOR), and nothing at all without machines.
 */
import { describe, expect, it } from 'vitest';
import { formatMachinesSection } from '../../src-main/cli/format-machines.js';
import { formatMachine } from '../../src-main/cli/commands/machines.js';
import type { MachineView } from '../../src-main/shared/machines-view.js';
import type { AccountRow, SessionView } from '../../src-main/shared/view-model.js';

const T0 = Date.UTC(2026, 11, 5, 12, 0, 0);
const HOUR = 3_600_000;

const machine = (overrides: Partial<MachineView>): MachineView => ({
  id: 'm-1',
  host: 'build-server',
  agentVersion: '0.1.0',
  connected: true,
  lastSeenMs: T0,
  held: { accountId: 'acct-b', generation: 12, fingerprint: '3fa9c2d1' },
  heldExpiresAtMs: null,
  currentGeneration: 12,
  lagging: false,
  lagMs: 0,
  revoked: false,
  ...overrides,
});

const accounts = [{ id: 'acct-b', email: 'blake@example.com', label: null }] as unknown as AccountRow[];
const session = (id: string, machineId?: string): SessionView => ({
  ...{ id, host: 'h', cwd: '/p', state: { kind: 'idle' }, lastPulseAtMs: T0, accountId: 'acct-b', loginOverrides: [] },
  ...(machineId ? { machineId } : {}),
});

const MACHINES = [
  machine({}),
  machine({
    id: 'm-2',
    host: 'a-very-long-laptop-host-name.example.internal',
    lagging: true,
    lagMs: 4_200,
    held: { accountId: 'acct-b', generation: 11, fingerprint: '0badf00d' },
  }),
  machine({ id: 'm-3', host: 'old-desktop', connected: false, lastSeenMs: T0 - 9 * HOUR }),
  machine({ id: 'm-4', host: 'gone', connected: false, revoked: true, lastSeenMs: T0 - HOUR }),
  machine({ id: 'm-5', host: 'fresh', held: null }),
];
const SNAPSHOT = { accounts, sessions: [session('s1', 'm-1'), session('s2', 'm-1'), session('s3')] };

describe('status: Machines section', () => {
  it('prints nothing without machines', () => {
    expect(formatMachinesSection(SNAPSHOT, [], T0)).toEqual([]);
  });

  it('fits 80 columns: one line per machine, a note under the one out of reach, where sessions run', () => {
    const lines = formatMachinesSection(SNAPSHOT, MACHINES, T0, { columns: 80 });
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
    expect(lines).toEqual([
      '',
      'Machines (3 of 5 connected):',
      '  build-server            connected     blake gen 12 3fa9c2d1  2 sessions',
      '  a-very-long-laptop-ho…  lagging       blake gen 11 behind wait 4s  0 sessions',
      '  old-desktop             ⚠ away 9h 0m  blake gen 12 3fa9c2d1  0 sessions',
      '    its login ran out while away: its Claude Code stops until it reconnects',
      '  gone                    revoked       blake gen 12 3fa9c2d1  0 sessions',
      '  fresh                   connected     no login yet  0 sessions',
      'Live sessions: 3 (2 on other machines, 1 on this one)',
    ]);
  });

  it('drops the fingerprint before cutting a line, on a narrow terminal', () => {
    const lines = formatMachinesSection(SNAPSHOT, MACHINES, T0, { columns: 60 });
    expect(lines.every((l) => [...l].length <= 60)).toBe(true);
    expect(lines[2]).toBe('  build-server            connected     blake gen 12  2 ses…');
    const short = formatMachinesSection(SNAPSHOT, [machine({})], T0, { columns: 60 });
    expect(short[2]).toBe('  build-server  connected  blake gen 12 3fa9c2d1  2 sessions');
    const narrower = formatMachinesSection(SNAPSHOT, [machine({})], T0, { columns: 52 });
    expect(narrower[2]).toBe('  build-server  connected  blake gen 12  2 sessions');
  });

  it('colours the state only when asked', () => {
    expect(formatMachinesSection(SNAPSHOT, MACHINES, T0, { columns: 80 }).join('\n')).not.toContain('\u001b[');
    const coloured = formatMachinesSection(SNAPSHOT, MACHINES, T0, { columns: 80, color: true });
    expect(coloured[2]).toContain('\u001b[32mconnected\u001b[0m');
    expect(coloured[3]).toContain('\u001b[33mlagging\u001b[0m');
    expect(coloured[4]).toContain('\u001b[31m⚠ away 9h 0m\u001b[0m');
  });
});

describe('machines list: one line per machine', () => {
  it('says connected, lagging with behind, and OUT OF REACH for a machine away longer than its login', () => {
    expect(formatMachine(MACHINES[0]!, T0)).toBe('build-server  connected  agent 0.1.0  holds acct-b gen 12 (3fa9c2d1)  id m-1');
    expect(formatMachine(MACHINES[1]!, T0)).toContain('lagging  agent 0.1.0  holds acct-b gen 11 (0badf00d) behind gen 12  waiting 4 s');
    expect(formatMachine(MACHINES[2]!, T0)).toContain('OUT OF REACH, last seen 540 min ago');
    expect(formatMachine(machine({ connected: false, lastSeenMs: T0 - HOUR }), T0)).toContain('  last seen 60 min ago');
  });
});
