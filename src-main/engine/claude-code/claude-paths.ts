/** Where Claude Code keeps its login and identity (CLAUDE-CODE.md "Where Claude Code keeps the login"). */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export interface ClaudePaths {
  /** `$CLAUDE_CONFIG_DIR`, else `~/.claude`. */
  readonly configDir: string;
  /** True when `CLAUDE_CONFIG_DIR` chose the config dir. */
  readonly customConfigDir: boolean;
  /** `<configDir>/.credentials.json` (Linux, Windows; macOS fallback). */
  readonly credentialsFile: string;
  /** The file with the `oauthAccount` identity block. */
  readonly claudeJson: string;
  /** macOS login-keychain generic-password service. */
  readonly keychainService: string;
  /** macOS keychain account (`$USER`, as Claude Code spells it). */
  readonly keychainAccount: string;
}

const KEYCHAIN_SERVICE = 'Claude Code-credentials';
const SAFE_KEYCHAIN_ACCOUNT = /^[a-zA-Z0-9._-]+$/;

/**
 * Resolves Claude Code's paths the way Claude Code 2.1.x does:
 * - config dir: `$CLAUDE_CONFIG_DIR` (NFC-normalised) when set and non-empty, else `~/.claude`;
 * - `.claude.json`: `~/.claude.json` for the default config dir, but `<configDir>/.claude.json`
 *   when `CLAUDE_CONFIG_DIR` is set. CLAUDE-CODE.md only describes the default; the CLI binary
 *   resolves the global config as `join(CLAUDE_CONFIG_DIR || homedir(), ".claude.json")`, which we
 *   follow;
 * - keychain service `Claude Code-credentials`, suffixed `-<first 8 hex of sha256(configDir)>` when
 *   `CLAUDE_CONFIG_DIR` is set; account `$USER` (Claude Code substitutes `claude-code-user` when the
 *   name has characters outside `[A-Za-z0-9._-]`, and so do we).
 * `platform` is accepted so callers pass it uniformly; the paths themselves do not depend on it.
 */
export function resolveClaudePaths(env: NodeJS.ProcessEnv, homedir: string, _platform: NodeJS.Platform, username?: string): ClaudePaths {
  const custom = env.CLAUDE_CONFIG_DIR;
  const customConfigDir = custom !== undefined && custom !== '';
  const configDir = customConfigDir ? custom.normalize('NFC') : join(homedir, '.claude');
  const suffix = customConfigDir ? `-${createHash('sha256').update(configDir).digest('hex').slice(0, 8)}` : '';
  const user = env.USER || username || '';
  return {
    configDir,
    customConfigDir,
    credentialsFile: join(configDir, '.credentials.json'),
    claudeJson: customConfigDir ? join(configDir, '.claude.json') : join(homedir, '.claude.json'),
    keychainService: `${KEYCHAIN_SERVICE}${suffix}`,
    keychainAccount: SAFE_KEYCHAIN_ACCOUNT.test(user) ? user : 'claude-code-user',
  };
}
