/** The CLI facts in shared/ are the ones the code and the e2e suite use (issue 9 item 6). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toClaudeAiOauth } from '../../src-main/engine/claude-code/credential-targets/credentials-json.js';
import { HOOK_EVENTS } from '../../src-main/engine/claude-code/hooks-installer.js';
import { LIMIT_HIT_ERROR } from '../../src-main/engine/sessions/session-registry.js';
import { CLAUDE_CODE_FACTS } from '../../src-main/shared/claude-code-facts.js';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};

describe('Claude Code facts', () => {
  it('name the CLI version pinned in devDependencies', () => {
    expect(pkg.devDependencies['@anthropic-ai/claude-code']).toBe(CLAUDE_CODE_FACTS.pinnedVersion);
  });

  it('are what the hooks installer and the limit-hit rescue use', () => {
    expect([...HOOK_EVENTS]).toEqual(CLAUDE_CODE_FACTS.hookEvents.value);
    expect(LIMIT_HIT_ERROR).toBe(CLAUDE_CODE_FACTS.limitHitError.value);
  });

  it('an access-token-only login is written the way the facts say the CLI runs on it', () => {
    expect(CLAUDE_CODE_FACTS.accessOnlyLogin.value).toBe('refreshToken-key-absent');
    const stored = toClaudeAiOauth({
      accessToken: 'sk-ant-oat01-a',
      refreshToken: '',
      expiresAtMs: 1,
      scopes: ['user:inference'],
      subscriptionType: 'max',
      rateLimitTier: null,
    });
    expect(Object.keys(stored)).not.toContain('refreshToken');
  });

  it('each carry the versions they were verified on, including the pinned one', () => {
    for (const [name, fact] of Object.entries(CLAUDE_CODE_FACTS)) {
      if (typeof fact === 'string') continue;
      expect(fact.verifiedOn, name).toContain(CLAUDE_CODE_FACTS.pinnedVersion);
    }
  });
});
