/**
 * Which login sources override Claude Code's stored login for this session (issue 9 item 3): the
 * environment variables `ANTHROPIC_AUTH_TOKEN`, `CLAUDE_CODE_OAUTH_TOKEN`, `ANTHROPIC_API_KEY`, and an
 * `apiKeyHelper` in the settings files in effect. Booleans only: no value is ever read into the
 * message. Besides the hook's own environment it reads the Claude Code process's (Linux
 * `/proc/<pid>/environ`), since Claude Code may scrub credentials from what its hooks inherit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoginOverrides } from '../../shared/heartbeat-protocol.js';

type EnvOverride = 'ANTHROPIC_AUTH_TOKEN' | 'CLAUDE_CODE_OAUTH_TOKEN' | 'ANTHROPIC_API_KEY';

export interface OverrideContext {
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly homeDir: string;
  /** The session's folder (the payload's `cwd`); `CLAUDE_PROJECT_DIR` wins when set. */
  readonly cwd: string;
  /** The Claude Code process, when known. */
  readonly claudePid: number | null;
  /** Reads a file as text, null when it cannot; injected in tests. */
  readonly readText?: (path: string) => string | null;
}

const readQuietly = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** Names of the non-empty variables in a `/proc/<pid>/environ` text (NUL-separated `NAME=value`). */
function namesSetIn(environ: string): Set<string> {
  const names = new Set<string>();
  for (const entry of environ.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0 && eq < entry.length - 1) names.add(entry.slice(0, eq));
  }
  return names;
}

/** Settings files Claude Code reads, lowest precedence first (CLAUDE-CODE.md; managed settings per platform). */
export function settingsFiles(context: Pick<OverrideContext, 'env' | 'platform' | 'homeDir' | 'cwd'>): string[] {
  const configDir = context.env.CLAUDE_CONFIG_DIR || join(context.homeDir, '.claude');
  const project = context.env.CLAUDE_PROJECT_DIR || context.cwd;
  const managed =
    context.platform === 'darwin'
      ? '/Library/Application Support/ClaudeCode/managed-settings.json'
      : context.platform === 'win32'
        ? 'C:\\Program Files\\ClaudeCode\\managed-settings.json'
        : '/etc/claude-code/managed-settings.json';
  return [
    join(configDir, 'settings.json'),
    join(project, '.claude', 'settings.json'),
    join(project, '.claude', 'settings.local.json'),
    managed,
  ];
}

function hasApiKeyHelper(text: string | null): boolean {
  if (text === null) return false;
  try {
    const json = JSON.parse(text) as { apiKeyHelper?: unknown } | null;
    return typeof json?.apiKeyHelper === 'string' && json.apiKeyHelper.trim() !== '';
  } catch {
    return false;
  }
}

/** What overrides the stored login in this session, as booleans. Never throws. */
export function detectLoginOverrides(context: OverrideContext): LoginOverrides {
  const read = context.readText ?? readQuietly;
  const processEnv = context.platform === 'linux' && context.claudePid !== null ? read(`/proc/${context.claudePid}/environ`) : null;
  const inProcess = processEnv === null ? new Set<string>() : namesSetIn(processEnv);
  const set = (name: EnvOverride): boolean => Boolean(context.env[name]) || inProcess.has(name);
  return {
    ANTHROPIC_AUTH_TOKEN: set('ANTHROPIC_AUTH_TOKEN'),
    CLAUDE_CODE_OAUTH_TOKEN: set('CLAUDE_CODE_OAUTH_TOKEN'),
    ANTHROPIC_API_KEY: set('ANTHROPIC_API_KEY'),
    apiKeyHelper: settingsFiles(context).some((file) => hasApiKeyHelper(read(file))),
  };
}
