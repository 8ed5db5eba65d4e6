import { describe, expect, it } from 'vitest';
import { formatFleetTable } from '../../src-main/cli/format-table.js';
import { makeAccountRow, makeSnapshot } from '../fakes/fake-engine.js';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const M = 60_000;

describe('status: the custody ledger under the fleet table', () => {
  it('lists who changed Claude Code’s login last for each account, marking another tool’s write', () => {
    const snapshot = makeSnapshot({
      accounts: [
        makeAccountRow({
          id: 'one',
          email: 'one@example.com',
          custody: {
            kind: 'claude-refresh',
            atMs: NOW - 3 * M,
            text: 'refreshed by Claude Code',
            accessFp: 'a1b2c3d4',
            refreshFp: 'e5f6a7b8',
            foreign: false,
          },
        }),
        makeAccountRow({ id: 'two', email: 'two@example.com', active: false, order: 1, custody: null }),
        makeAccountRow({
          id: 'three',
          email: 'three@example.com',
          active: false,
          order: 2,
          custody: {
            kind: 'unknown-writer',
            atMs: NOW - 12 * M,
            text: 'older login put back by another tool',
            accessFp: '0badf00d',
            refreshFp: 'deadbeef',
            foreign: true,
          },
        }),
      ],
    });
    const text = formatFleetTable(snapshot, NOW);
    const lines = text.split('\n');
    const at = lines.indexOf("Claude Code's login, last change per account:");
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 3)).toEqual([
      '  one@example.com: refreshed by Claude Code 3m ago (token a1b2c3d4, refresh e5f6a7b8)',
      '  ⚠ three@example.com: older login put back by another tool 12m ago (token 0badf00d, refresh deadbeef)',
    ]);
    expect(text).not.toContain('two@example.com: ');
  });

  it('prints no custody section when no change was seen', () => {
    expect(formatFleetTable(makeSnapshot({ accounts: [makeAccountRow()] }), NOW)).not.toContain('last change per account');
  });

  it('keeps custody lines within the terminal width', () => {
    const row = makeAccountRow({
      custody: {
        kind: 'ours',
        atMs: NOW - M,
        text: 'switched in by ccmax-monitor',
        accessFp: 'a1b2c3d4',
        refreshFp: 'e5f6a7b8',
        foreign: false,
      },
    });
    const text = formatFleetTable(makeSnapshot({ accounts: [row] }), NOW, { columns: 60 });
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(60);
  });
});
