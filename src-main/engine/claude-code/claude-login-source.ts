/** How the account service reads logins from Claude Code: its store now, or credentials JSON a user pasted. */
import { err, ok, type Result } from '../../shared/result.js';
import type { OAuthCredentials } from '../vault/credentials.js';
import { parseClaudeCredentials, readClaudeCredentials, type ClaudePaths, type ReadCredentialsOptions } from './claude-store.js';

export interface ClaudeLoginSource {
  /** The login Claude Code holds now (credentials file or macOS keychain), or what to do when there is none. */
  readClaudeLogin(): Promise<Result<OAuthCredentials, { readonly message: string }>>;
  /** Credentials JSON in Claude Code's file shape or the inner `claudeAiOauth` object. */
  parseCredentialsJson(json: string): Result<OAuthCredentials, { readonly message: string }>;
}

export function createClaudeLoginSource(paths: ClaudePaths, readOptions: ReadCredentialsOptions): ClaudeLoginSource {
  return {
    async readClaudeLogin() {
      const login = await readClaudeCredentials(paths, readOptions);
      return login.ok
        ? ok(login.value.credentials)
        : err({ message: `No login found in Claude Code (${login.error.message}). Log in with \`claude /login\` first.` });
    },
    parseCredentialsJson(json) {
      const parsed = parseClaudeCredentials(json);
      return parsed.ok ? parsed : err({ message: parsed.error.message });
    },
  };
}
