/**
 * The Claude Code CLI facts ccmax-monitor depends on, each with the CLI versions it was verified on
 * (issue 9 item 6; docs: CLAUDE-CODE.md "Verified on 2.1.331 and 2.1.332"). When a new CLI comes
 * out, `npm run test:claude -- <version>` runs the real-CLI end-to-end tests on it; a fact that
 * still holds gets the version added here.
 */

export interface ClaudeCodeFact<T> {
  readonly value: T;
  /** CLI versions on which the fact was observed (real CLI, loopback stand-in). */
  readonly verifiedOn: readonly string[];
}

const VERIFIED = ['2.1.331', '2.1.332'] as const;

export const CLAUDE_CODE_FACTS = {
  /** The CLI version pinned in devDependencies, the one `npm test` runs the e2e suite on. */
  pinnedVersion: '2.1.331',
  /**
   * Before building each API client the CLI stats `.credentials.json` and drops its cached login when
   * `mtimeMs` differs from the last one seen (`if (mtimeMs !== lastCredentialsMtimeMs) … credentialsChangedOnDisk.emit()`
   * in the 2.1.331 bundle, node_modules/@anthropic-ai/claude-code/bin/claude.exe); no TTL. Every write
   * must therefore move the mtime: `replaceFile` sets it past the old one when a rename did not (same
   * second on a coarse file system, a clock that stepped back).
   */
  reReadRule: { value: 'mtime-change', verifiedOn: VERIFIED } satisfies ClaudeCodeFact<'mtime-change'>,
  /** `proper-lockfile` directories the CLI takes while refreshing (relative to the config dir / its parent). */
  lockPaths: {
    value: ['<configDir>/.oauth_refresh.lock', '<configDir>.lock', '~/.claude.json.lock'],
    verifiedOn: VERIFIED,
  } satisfies ClaudeCodeFact<readonly string[]>,
  /** Login sources, highest precedence first; any but the last makes a session unrotatable by a swap. */
  loginPrecedence: {
    value: ['forced apiKeyHelper', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'apiKeyHelper', 'ANTHROPIC_PROFILE', 'stored login'],
    verifiedOn: VERIFIED,
  } satisfies ClaudeCodeFact<readonly string[]>,
  /**
   * The feature flag of the session-owner guard (default off; interactive sessions only — the 2.1.331
   * bundle reads `function evl(){if(_e()||qt())return!1;return b("tengu_ticklish_moon",!1)}`), cached
   * in the config's `.claude.json` as a boolean under `cachedGrowthBookFeatures`, else the older
   * `cachedFeatureFlags` (`function IK(e){return e.cachedGrowthBookFeatures??e.cachedFeatureFlags}`).
   * Read by `engine/claude-code/session-owner-guard.ts`.
   */
  sessionOwnerGuardFlag: { value: 'tengu_ticklish_moon', verifiedOn: VERIFIED } satisfies ClaudeCodeFact<string>,
  /**
   * Claude Code may scrub credentials (`ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN`, `CLAUDE_CODE_OAUTH_TOKEN`, …)
   * from the environment of what it spawns, hooks included: with `CLAUDE_CODE_SUBPROCESS_ENV_SCRUB`, in GitHub
   * Actions, or when `CLAUDE_CODE_ENTRYPOINT` is `local-agent` (2.1.331 bundle: `function VGs(){let
   * e=process.env.CLAUDE_CODE_SUBPROCESS_ENV_SCRUB;…}`, `…return process.env.CLAUDE_CODE_ENTRYPOINT==="local-agent"}`).
   * So the hook client also reads the Claude Code process's own environment (`/proc/<pid>/environ`, Linux)
   * to tell an unrotatable session (`cli/heartbeat/login-overrides.ts`).
   */
  subprocessEnvScrub: {
    value: ['CLAUDE_CODE_SUBPROCESS_ENV_SCRUB', 'GITHUB_ACTIONS', 'CLAUDE_CODE_ENTRYPOINT=local-agent'],
    verifiedOn: VERIFIED,
  } satisfies ClaudeCodeFact<readonly string[]>,
  /**
   * Where the cached flags live in `.claude.json`, first found wins
   * (2.1.332: `function lW(e){return e.cachedGrowthBookFeatures??e.cachedFeatureFlags}`).
   */
  cachedFlagKeys: {
    value: ['cachedGrowthBookFeatures', 'cachedFeatureFlags'],
    verifiedOn: VERIFIED,
  } satisfies ClaudeCodeFact<readonly string[]>,
  /** `StopFailure`'s `error` when a turn ended on the usage limit. */
  limitHitError: { value: 'rate_limit', verifiedOn: VERIFIED } satisfies ClaudeCodeFact<string>,
  /** Statusline `rate_limits` windows: `used_percentage` 0–100, `resets_at` epoch seconds; figures of the last API response. */
  statuslineRateLimitFields: {
    value: ['five_hour.used_percentage', 'five_hour.resets_at', 'seven_day.used_percentage', 'seven_day.resets_at'],
    verifiedOn: VERIFIED,
  } satisfies ClaudeCodeFact<readonly string[]>,
  /**
   * A stored login with no `refreshToken` key (or an empty one) is one the CLI runs on and never
   * refreshes: its refresh returns early (`if(!e.refreshToken||!e.expiresAt)return
   * a("tengu_oauth_tokens_inference_only",…)` in the 2.1.331 binary) and it never calls its token
   * endpoint, also within its own 5-minute threshold (test/e2e/claude-code-least-privilege.test.ts).
   * Its own way to strip one is to delete the key, which is how an agent writes its access token
   * (credentials-json.ts `toClaudeAiOauth`).
   */
  accessOnlyLogin: { value: 'refreshToken-key-absent', verifiedOn: VERIFIED } satisfies ClaudeCodeFact<string>,
  /** Hook events the installer registers and the hook client maps. */
  hookEvents: {
    value: ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'Stop', 'StopFailure', 'SessionEnd'],
    verifiedOn: VERIFIED,
  } satisfies ClaudeCodeFact<readonly string[]>,
} as const;
