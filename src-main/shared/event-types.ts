/** Typed engine events. Kinds are past tense. Events never carry a secret (fingerprints only). */
// Shared with the dashboard (event history), hence in shared/.

export const EVENT_KINDS = [
  'engine-started',
  'engine-stopped',
  'account-added',
  'account-login-updated',
  'account-removed',
  'account-labelled',
  'account-enabled',
  'account-disabled',
  'usage-polled',
  'poll-failed',
  'token-refreshed',
  'token-refresh-failed',
  'token-lifetime-implausible',
  'token-harvested',
  'login-needed',
  'active-account-detected',
  'settings-changed',
  'settings-corrupt',
  'vault-error',
  'account-switched',
  'switch-deferred',
  'session-started',
  'session-ended',
  'session-state-expired',
  'velocity-preemptive-switch',
  'switch-forced',
  'switch-failed',
  'rotation-unpinned',
  'rotation-paused',
  'rotation-resumed',
  'all-exhausted',
  'fleet-recovered',
  'session-account-mismatch',
  'events-suppressed',
  'limit-hit',
  'limit-rescued',
  'machine-connected',
  'machine-lost',
  'machine-lagging',
  'machine-out-of-reach',
  'session-owner-guard-changed',
  'rotation-held',
  'login-changed',
  'foreign-writer-detected',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

export type EventLevel = 'info' | 'warn' | 'error';

export interface EngineEvent {
  /** Epoch ms. */
  readonly atMs: number;
  readonly kind: EventKind;
  readonly level: EventLevel;
  /** One human sentence, secret-free. */
  readonly message: string;
  readonly accountId?: string;
  /** Small, secret-free structured details (figures, trigger, fingerprints). */
  readonly data?: Readonly<Record<string, string | number | boolean | null>>;
}
