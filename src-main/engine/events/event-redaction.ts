/**
 * Last line of defence for the event log: an event whose text looks like it carries a token is
 * scrubbed before it is stored or shown. Events should never carry one in the first place.
 */
import { looksLikeToken, redactSecrets } from '../vault/redact.js';
import type { EngineEvent } from './event-types.js';

export interface RedactedEvent {
  readonly event: EngineEvent;
  /** True when something was removed. */
  readonly redacted: boolean;
}

/** Returns the event with token-looking substrings in `message`, `accountId` and string `data` values replaced. */
export function redactEvent(event: EngineEvent): RedactedEvent {
  const texts = [event.message, event.accountId ?? '', ...Object.values(event.data ?? {}).filter((v) => typeof v === 'string')];
  if (!texts.some(looksLikeToken)) return { event, redacted: false };
  const data = event.data
    ? Object.fromEntries(Object.entries(event.data).map(([k, v]) => [k, typeof v === 'string' ? redactSecrets(v) : v]))
    : undefined;
  return {
    event: {
      ...event,
      message: redactSecrets(event.message),
      ...(event.accountId !== undefined ? { accountId: redactSecrets(event.accountId) } : {}),
      ...(data ? { data } : {}),
    },
    redacted: true,
  };
}
