import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMonitor, toHeartbeatUrl } from '../../src-main/cli/heartbeat/find-monitor.js';
import { toHookMessage } from '../../src-main/cli/heartbeat/hook-message.js';
import { chainStatus, formatStatus, toStatuslineMessage } from '../../src-main/cli/heartbeat/statusline.js';
import { parseClientMessage } from '../../src-main/shared/heartbeat-schema.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'claude-code-2.1.197');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
const ctx = { host: 'devbox', claudePid: 777, claudeVersion: null };
const SID = '5cd1b50a-e80e-4fe0-850d-730be01fde40';

describe('hook payloads', () => {
  it('maps SessionStart to session-started with the Claude Code pid and source', () => {
    expect(toHookMessage(fixture('hook-SessionStart.json'), ctx)).toEqual({
      v: 1,
      type: 'session-started',
      sessionId: SID,
      host: 'devbox',
      cwd: '/home/dev/project',
      pid: 777,
      claudeVersion: null,
      source: 'startup',
    });
  });

  it('maps UserPromptSubmit, Stop and SessionEnd to the turn and session messages', () => {
    expect(toHookMessage(fixture('hook-UserPromptSubmit.json'), ctx)).toMatchObject({ type: 'turn-started', sessionId: SID });
    expect(toHookMessage(fixture('hook-Stop.json'), ctx)).toMatchObject({ type: 'turn-ended', failed: false });
    expect(toHookMessage(fixture('hook-SessionEnd.json'), ctx)).toMatchObject({ type: 'session-ended', reason: 'other' });
  });

  it('maps PreToolUse and PostToolUse with the tool name and tool_use_id', () => {
    expect(toHookMessage(fixture('hook-PreToolUse.json'), ctx)).toMatchObject({
      type: 'tool-started',
      toolName: 'Bash',
      toolUseId: 'toolu_2',
    });
    expect(toHookMessage(fixture('hook-PostToolUse.json'), ctx)).toMatchObject({
      type: 'tool-ended',
      toolName: 'Bash',
      toolUseId: 'toolu_2',
      failed: false,
    });
  });

  it('maps the newer failure events to failed endings', () => {
    const base = { session_id: 's', cwd: '/p', tool_name: 'Bash', tool_use_id: 't' };
    expect(toHookMessage({ ...base, hook_event_name: 'PostToolUseFailure' }, ctx)).toMatchObject({ type: 'tool-ended', failed: true });
    expect(toHookMessage({ ...base, hook_event_name: 'StopFailure' }, ctx)).toMatchObject({ type: 'turn-ended', failed: true });
  });

  it('ignores unknown events and payloads without a session id', () => {
    expect(toHookMessage({ session_id: 's', hook_event_name: 'Notification' }, ctx)).toBeNull();
    expect(toHookMessage({ hook_event_name: 'Stop' }, ctx)).toBeNull();
    expect(toHookMessage('garbage', ctx)).toBeNull();
  });

  it('produces messages the server accepts for every fixture', () => {
    for (const name of ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop', 'SessionEnd']) {
      const message = toHookMessage(fixture(`hook-${name}.json`), ctx);
      expect(parseClientMessage(JSON.stringify(message)).ok, name).toBe(true);
    }
  });
});

describe('statusline payloads', () => {
  it('carries rate limits as percent and epoch seconds, with the model and version', () => {
    expect(toStatuslineMessage(fixture('statusline-with-rate-limits.json'), 'devbox')).toEqual({
      v: 1,
      type: 'statusline',
      sessionId: 'ba516a12-590c-4db6-8991-75929eff8085',
      host: 'devbox',
      cwd: '/home/dev/project',
      model: 'claude-opus-4-8[1m]',
      claudeVersion: '2.1.197',
      fiveHour: { usedPct: 42, resetsAtS: 1795554139 },
      sevenDay: { usedPct: 13, resetsAtS: 1795809739 },
    });
  });

  it('has no windows before the first API response', () => {
    const message = toStatuslineMessage(fixture('statusline-before-first-response.json'), 'devbox');
    expect(message).toMatchObject({ fiveHour: null, sevenDay: null, model: 'claude-opus-4-8[1m]' });
    expect(parseClientMessage(JSON.stringify(message)).ok).toBe(true);
  });

  it('formats the active account and its figures', () => {
    expect(formatStatus({ account: 'alice@example.com', fiveHourPct: 42.4, sevenDayPct: null, paused: true }, null, true)).toBe(
      '▶ alice@example.com · 5h 42% · 7d — · paused',
    );
  });

  it('falls back to Claude Code’s own figures when the monitor is down', () => {
    const reading = toStatuslineMessage(fixture('statusline-with-rate-limits.json'), 'h');
    expect(formatStatus(null, reading, false)).toBe('ccmax offline · 5h 42% · 7d 13%');
    expect(formatStatus(null, null, false)).toBe('ccmax offline');
  });

  it('appends our segment to the user’s own status line', () => {
    expect(chainStatus('~/project (main)\n', '▶ a · 5h 1% · 7d 2%')).toBe('~/project (main) │ ▶ a · 5h 1% · 7d 2%');
    expect(chainStatus('  \n', 'ours')).toBe('ours');
  });
});

describe('finding the monitor', () => {
  it('prefers CCMAX_URL, then CCMAX_PORT, then the discovery file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccmax-find-'));
    try {
      await writeFile(
        join(dir, 'server.json'),
        JSON.stringify({ version: 1, url: 'http://127.0.0.1:4555', pid: 1, startedAtMs: 0, demo: false, productVersion: 'x' }),
      );
      expect(findMonitor({}, dir)?.url.href).toBe('ws://127.0.0.1:4555/heartbeat');
      expect(findMonitor({ CCMAX_PORT: '4600' }, dir)?.url.href).toBe('ws://127.0.0.1:4600/heartbeat');
      expect(findMonitor({ CCMAX_URL: 'https://mon.example:8443', CCMAX_PORT: '4600', CCMAX_TOKEN: 'tk' }, dir)).toEqual({
        url: new URL('wss://mon.example:8443/heartbeat'),
        token: 'tk',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds nothing without configuration or with a broken discovery file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccmax-find-'));
    try {
      expect(findMonitor({}, dir)).toBeNull();
      await writeFile(join(dir, 'server.json'), '{nope');
      expect(findMonitor({}, dir)).toBeNull();
      expect(findMonitor({ CCMAX_URL: 'ftp://x' }, dir)).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps an explicit /heartbeat path as given', () => {
    expect(toHeartbeatUrl('ws://127.0.0.1:1/heartbeat')?.href).toBe('ws://127.0.0.1:1/heartbeat');
    expect(toHeartbeatUrl('http://127.0.0.1:1/base/')?.href).toBe('ws://127.0.0.1:1/base/heartbeat');
  });
});
