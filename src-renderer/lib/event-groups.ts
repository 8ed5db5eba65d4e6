/**
 * The event history's filter groups: every event kind belongs to exactly one group. The record is
 * typed over every `EventKind`, so a new kind fails to compile until it is placed in a group.
 */
import type { EventKind } from '../../src-main/shared/event-types.js';

export const EVENT_GROUPS = ['switches', 'deferrals', 'tokens', 'polls', 'sessions', 'settings', 'accounts', 'machines', 'system'] as const;
export type EventGroup = (typeof EVENT_GROUPS)[number];

/** Labels for the group filter. */
export const EVENT_GROUP_LABELS: Readonly<Record<EventGroup, string>> = {
  switches: 'Switches',
  deferrals: 'Deferred switches',
  tokens: 'Tokens',
  polls: 'Polls',
  sessions: 'Sessions',
  settings: 'Settings',
  accounts: 'Accounts',
  machines: 'Machines',
  system: 'System',
};

const GROUP_OF: Readonly<Record<EventKind, EventGroup>> = {
  'account-switched': 'switches',
  'velocity-preemptive-switch': 'switches',
  'switch-forced': 'switches',
  'active-account-detected': 'switches',
  'rotation-paused': 'switches',
  'rotation-resumed': 'switches',
  'rotation-unpinned': 'switches',
  'switch-failed': 'switches',
  'session-owner-guard-changed': 'switches',
  'rotation-held': 'deferrals',
  'switch-deferred': 'deferrals',
  'token-refreshed': 'tokens',
  'token-refresh-failed': 'tokens',
  'token-lifetime-implausible': 'tokens',
  'token-harvested': 'tokens',
  'login-needed': 'tokens',
  'login-changed': 'tokens',
  'foreign-writer-detected': 'tokens',
  'usage-polled': 'polls',
  'poll-failed': 'polls',
  'all-exhausted': 'polls',
  'fleet-recovered': 'polls',
  'session-started': 'sessions',
  'session-ended': 'sessions',
  'session-state-expired': 'sessions',
  'session-account-mismatch': 'sessions',
  'events-suppressed': 'sessions',
  'limit-hit': 'switches',
  'limit-rescued': 'switches',
  'settings-changed': 'settings',
  'settings-corrupt': 'settings',
  'account-added': 'accounts',
  'account-login-updated': 'accounts',
  'account-removed': 'accounts',
  'account-labelled': 'accounts',
  'account-enabled': 'accounts',
  'account-disabled': 'accounts',
  'engine-started': 'system',
  'engine-stopped': 'system',
  'vault-error': 'system',
  'machine-connected': 'machines',
  'machine-lost': 'machines',
  'machine-lagging': 'machines',
  'machine-out-of-reach': 'machines',
};

/** The group an event kind belongs to. */
export function groupOf(kind: EventKind): EventGroup {
  return GROUP_OF[kind];
}

/** Every kind in a group, for the `kinds` filter of `getEvents`. */
export function kindsOf(group: EventGroup): EventKind[] {
  return (Object.keys(GROUP_OF) as EventKind[]).filter((kind) => GROUP_OF[kind] === group);
}
