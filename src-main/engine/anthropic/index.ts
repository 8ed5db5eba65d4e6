/** The Anthropic OAuth endpoints: client, parsers and endpoint configuration. */
export type * from './api-types.js';
export { createAnthropicClient, type AnthropicClientOptions } from './anthropic-client.js';
export {
  DEFAULT_API_BASE_URL,
  DEFAULT_TOKEN_URL,
  OAUTH_BETA,
  OAUTH_CLIENT_ID,
  OAUTH_REFRESH_SCOPE,
  PROFILE_PATH,
  USAGE_PATH,
  resolveEndpoints,
  type AnthropicEndpoints,
} from './endpoints.js';
export { parseRetryAfterMs } from './http-call.js';
export { parseProfile, planFromProfile, type PlanName } from './parse-profile.js';
export { parseOAuthError, parseTokenResponse } from './parse-token.js';
export { parseResetsAtMs, parseUsage } from './parse-usage.js';
