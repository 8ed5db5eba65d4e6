/** A failed usage poll in a user's words, for the event log. */
import type { ApiError } from '../anthropic/api-types.js';

export function pollFailureText(email: string, error: ApiError): string {
  switch (error.kind) {
    case 'rate-limited':
      return (
        `The usage endpoint is rate-limiting ${email}` +
        `${error.retryAfterMs !== null ? `; retrying in ${Math.ceil(error.retryAfterMs / 60_000)} min` : ''}.`
      );
    case 'unauthorized':
      return `The usage endpoint rejected the token of ${email} (HTTP ${error.status}); polling waits for a fresh token.`;
    case 'network':
      return `Could not reach the usage endpoint for ${email} (network error).`;
    case 'timeout':
      return `The usage endpoint did not answer for ${email} within ${Math.round(error.afterMs / 1000)} s.`;
    case 'bad-response':
      return `The usage endpoint answered unexpectedly for ${email}: ${error.message}`;
  }
}
