/**
 * What to announce, as a pure function of two consecutive snapshots and the events that arrived
 * between them (PRODUCT §1): each switch (from → to, why), a switch deferred for long, an account
 * needing a login, the whole fleet exhausted (with when the first account returns), the fleet
 * coming back, and a machine out of reach longer than its login lasts. A small memory carried from
 * call to call keeps every notice to once per occurrence.
 */
import type { EngineEvent } from '../../shared/event-types.js';
import { formatDuration } from '../../shared/format.js';
import { firstComeback, isFleetExhausted } from '../../shared/levels.js';
import type { AccountRow, FleetSnapshot } from '../../shared/view-model.js';

export interface Notice {
  /** De-duplication key; equal keys are never shown twice. */
  readonly key: string;
  readonly title: string;
  readonly body: string;
}

/** What the decider remembers between calls. Start with {@link EMPTY_NOTICE_MEMORY}. */
export interface NoticeMemory {
  /** Keys already announced (switches, deferrals), bounded to the most recent. */
  readonly announced: readonly string[];
  /** Accounts whose "needs login" was announced and has not cleared since. */
  readonly loginNeeded: readonly string[];
  /** The deferral still waiting: when it started and what it said. */
  readonly deferral: { readonly sinceMs: number; readonly message: string } | null;
  /** True while an "all exhausted" notice stands (cleared by "fleet back"). */
  readonly exhausted: boolean;
}

export const EMPTY_NOTICE_MEMORY: NoticeMemory = { announced: [], loginNeeded: [], deferral: null, exhausted: false };

/** A deferral is worth a notice once it has waited this long. */
export const LONG_DEFERRAL_MS = 3 * 60_000;

const MAX_ANNOUNCED = 50;

export interface NoticeInput {
  /** The previous snapshot; null for the first one after start (no switch is announced then). */
  readonly prev: FleetSnapshot | null;
  readonly next: FleetSnapshot;
  /** Events appended since the previous call (any order; duplicates are ignored by key). */
  readonly events: readonly EngineEvent[];
  readonly memory: NoticeMemory;
  /** Epoch ms, for "back in …" and deferral ages. */
  readonly nowMs: number;
  /** Wall-clock time for "back at …"; injectable so tests do not depend on the time zone. */
  readonly formatClock: (atMs: number) => string;
}

export interface NoticeDecision {
  readonly notices: readonly Notice[];
  readonly memory: NoticeMemory;
}

/** Words for each rotation trigger (PRODUCT §2 "Triggers"). */
const TRIGGER_WORDS: Readonly<Record<string, string>> = {
  exhaustion: 'its 7-day quota is used up',
  breach: 'its 5-hour limit was reached',
  velocity: 'it was about to reach a limit',
  perishable: 'another account’s weekly quota expires sooner',
  recovered: 'back to the preferred account after a 5-hour break',
  manual: 'you chose it',
  token: 'its login could not be refreshed',
};

/** Decides the notices for one step; never announces the same occurrence twice. */
export function toNotifications(input: NoticeInput): NoticeDecision {
  const { prev, next, events, memory, nowMs } = input;
  const notices: Notice[] = [];
  const announced = new Set(memory.announced);
  const push = (notice: Notice): void => {
    if (announced.has(notice.key)) return;
    announced.add(notice.key);
    notices.push(demoTitled(notice, next.demo));
  };

  const switchNotice = toSwitchNotice(prev, next);
  // A limit-hit rescue says more than the plain switch notice: the stopped session's next prompt runs on the new account.
  const rescues = events.filter((e) => e.kind === 'limit-rescued');
  for (const event of rescues) {
    const to = emailOf(next, String(event.data?.['toId'] ?? ''));
    push({ key: `limit:${event.atMs}`, title: `Usage limit hit — switched to ${to}`, body: event.message });
  }
  if (switchNotice && rescues.length > 0) announced.add(switchNotice.key);
  else if (switchNotice) push(switchNotice);

  // Another tool keeps writing Claude Code's login: once per warning the engine raised.
  for (const event of events.filter((e) => e.kind === 'foreign-writer-detected')) {
    push({ key: `foreign-writer:${event.atMs}`, title: 'Another tool is writing Claude Code’s login', body: event.message });
  }

  // A machine out of reach longer than its login lasts: once per machine per outage (its last-seen time names the outage).
  for (const event of events.filter((e) => e.kind === 'machine-out-of-reach')) {
    const host = String(event.data?.['host'] ?? 'A machine');
    const outage = `${String(event.data?.['machineId'] ?? event.atMs)}:${String(event.data?.['lastSeenMs'] ?? event.atMs)}`;
    push({ key: `out-of-reach:${outage}`, title: `${host} is out of reach`, body: event.message });
  }

  const deferral = trackDeferral(memory.deferral, events, prev, next);
  if (deferral && nowMs - deferral.sinceMs >= LONG_DEFERRAL_MS) {
    push({
      key: `deferred:${deferral.sinceMs}`,
      title: 'Switch still waiting',
      body: `${deferral.message} Waiting for ${formatDuration(nowMs - deferral.sinceMs)}.`,
    });
  }

  const loginNeeded = next.accounts.filter(needsLogin).map((a) => a.id);
  for (const row of next.accounts.filter(needsLogin)) {
    if (memory.loginNeeded.includes(row.id)) continue;
    notices.push(
      demoTitled(
        {
          key: `login:${row.id}`,
          title: `${row.email} needs a new login`,
          body: 'Its refresh token was rejected. Run `claude /login` with this account, then import it from the dashboard.',
        },
        next.demo,
      ),
    );
  }

  const exhaustedNow = isFleetExhausted(next);
  if (exhaustedNow && !memory.exhausted) notices.push(demoTitled(toExhaustedNotice(next, input), next.demo));
  if (!exhaustedNow && memory.exhausted) {
    const back = next.accounts.find((a) => a.orderGroup === 'usable');
    notices.push(
      demoTitled(
        {
          key: `fleet-back:${nowMs}`,
          title: 'Fleet back',
          body: back ? `${back.email} is usable again; rotation continues.` : 'An account is usable again.',
        },
        next.demo,
      ),
    );
  }

  return {
    notices,
    memory: {
      announced: [...announced].slice(-MAX_ANNOUNCED),
      loginNeeded,
      deferral,
      exhausted: exhaustedNow,
    },
  };
}

/** A switch notice when the last switch changed since the previous snapshot. */
function toSwitchNotice(prev: FleetSnapshot | null, next: FleetSnapshot): Notice | null {
  const last = next.lastSwitch;
  if (!prev || !last) return null;
  if (prev.lastSwitch && prev.lastSwitch.atMs === last.atMs && prev.lastSwitch.toId === last.toId) return null;
  const to = emailOf(next, last.toId);
  const from = last.fromId ? emailOf(next, last.fromId) : null;
  const why = TRIGGER_WORDS[last.trigger] ?? last.trigger;
  return {
    key: `switch:${last.atMs}:${last.toId}`,
    title: `Switched to ${to}`,
    body: from ? `From ${from}: ${why}.` : `Claude Code now uses ${to}: ${why}.`,
  };
}

/**
 * The deferral still pending after this step: started by the first `switch-deferred` event (its
 * `deferredMs` figure, when present, dates the start), ended by a switch (a new `lastSwitch`, or an
 * `account-switched` / `switch-forced` event after it), or by no session holding it back any more
 * (the engine then either switched or decided to stay).
 */
function trackDeferral(
  current: NoticeMemory['deferral'],
  events: readonly EngineEvent[],
  prev: FleetSnapshot | null,
  next: FleetSnapshot,
): NoticeMemory['deferral'] {
  let deferral = current;
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  for (const event of sorted) {
    if (event.kind === 'switch-deferred' && !deferral) {
      const deferredMs = event.data?.['deferredMs'];
      const sinceMs = typeof deferredMs === 'number' && deferredMs > 0 ? event.atMs - deferredMs : event.atMs;
      deferral = { sinceMs, message: event.message };
    }
    if ((event.kind === 'account-switched' || event.kind === 'switch-forced') && deferral && event.atMs >= deferral.sinceMs) {
      deferral = null;
    }
  }
  const switchedAtMs = next.lastSwitch?.atMs ?? null;
  const switchedNow = switchedAtMs !== null && switchedAtMs !== (prev?.lastSwitch?.atMs ?? null);
  if (deferral && switchedNow && switchedAtMs >= deferral.sinceMs) deferral = null;
  if (deferral && !isSwitchHeldBack(next)) deferral = null;
  return deferral;
}

/** True while a live session is in a state that defers switches under the current mode. */
function isSwitchHeldBack(snapshot: FleetSnapshot): boolean {
  const mode = snapshot.settings.deferralMode;
  if (mode === 'never') return false;
  return snapshot.sessions.some((s) => s.state.kind === 'tool' || (mode === 'turn' && s.state.kind === 'in-turn'));
}

function toExhaustedNotice(next: FleetSnapshot, input: NoticeInput): Notice {
  const comeback = firstComeback(next);
  const active = next.accounts.find((a) => a.id === next.activeAccountId);
  const staying = active ? ` Claude Code stays on ${active.email}.` : '';
  if (!comeback) {
    return {
      key: `exhausted:${input.nowMs}`,
      title: 'No usable account',
      body: `Every account needs attention: open the dashboard.${staying}`,
    };
  }
  const inMs = comeback.atMs - input.nowMs;
  return {
    key: `exhausted:${input.nowMs}`,
    title: 'All accounts exhausted',
    body:
      `${comeback.row.email} comes back in ${formatDuration(inMs)} (${input.formatClock(comeback.atMs)}); ` +
      `rotation switches to it then.${staying}`,
  };
}

function needsLogin(row: AccountRow): boolean {
  return row.enabled && (row.token.health === 'needs-login' || row.status.kind === 'needs-login');
}

function emailOf(snapshot: FleetSnapshot, accountId: string): string {
  return snapshot.accounts.find((a) => a.id === accountId)?.email ?? accountId;
}

function demoTitled(notice: Notice, demo: boolean): Notice {
  return demo ? { ...notice, title: `DEMO: ${notice.title}` } : notice;
}
