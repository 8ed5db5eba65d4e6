/** Where and how to reach the Anthropic OAuth endpoints (CLAUDE-CODE.md), and how to override it. */

/** Anthropic API base; `CCMAX_API_BASE_URL` overrides it (the demo points it at the stand-in). */
export const DEFAULT_API_BASE_URL = 'https://api.anthropic.com';

/** Token endpoint Claude Code uses; `CCMAX_OAUTH_TOKEN_URL` overrides it. */
export const DEFAULT_TOKEN_URL = 'https://platform.claude.com/v1/oauth/token';

/** Claude Code's public OAuth client id: refreshes must name it or the token endpoint refuses. */
export const OAUTH_CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';

/** The scope string Claude Code sends with a refresh, verbatim. */
export const OAUTH_REFRESH_SCOPE = 'user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload';

/** The beta flag without which the usage and profile endpoints refuse OAuth bearer tokens. */
export const OAUTH_BETA = 'oauth-2025-04-20';

export const USAGE_PATH = '/api/oauth/usage';
export const PROFILE_PATH = '/api/oauth/profile';

export interface AnthropicEndpoints {
  /** Base URL without a trailing slash. */
  readonly apiBaseUrl: string;
  /** Full URL of the token endpoint. */
  readonly tokenUrl: string;
}

/**
 * Reads `CCMAX_API_BASE_URL` and `CCMAX_OAUTH_TOKEN_URL` (empty or unset → the defaults above).
 * Throws when a value set is not an http(s) URL: a misconfiguration the user must fix.
 */
export function resolveEndpoints(env: Readonly<Record<string, string | undefined>>): AnthropicEndpoints {
  const apiBaseUrl = pickUrl(env, 'CCMAX_API_BASE_URL', DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const tokenUrl = pickUrl(env, 'CCMAX_OAUTH_TOKEN_URL', DEFAULT_TOKEN_URL);
  return { apiBaseUrl, tokenUrl };
}

function pickUrl(env: Readonly<Record<string, string | undefined>>, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an absolute http(s) URL such as ${fallback}; got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must use http or https; got "${raw}"`);
  }
  return raw;
}
