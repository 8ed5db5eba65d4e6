import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseClaudeCredentials,
  readClaudeCredentials,
  readOAuthAccount,
  resolveClaudePaths,
  type ClaudePaths,
  type SecurityRunner,
} from '../../src-main/engine/claude-code/claude-store.js';

const OAUTH = {
  accessToken: 'sk-ant-oat01-secret-access',
  refreshToken: 'sk-ant-ort01-secret-refresh',
  expiresAt: 1795554139000,
  scopes: ['user:inference', 'user:profile'],
  subscriptionType: 'max',
  rateLimitTier: 'default_claude_max_20x',
};
const EXPECTED = {
  accessToken: OAUTH.accessToken,
  refreshToken: OAUTH.refreshToken,
  expiresAtMs: 1795554139000,
  scopes: ['user:inference', 'user:profile'],
  subscriptionType: 'max',
  rateLimitTier: 'default_claude_max_20x',
};

describe('resolveClaudePaths', () => {
  it('uses ~/.claude and ~/.claude.json by default', () => {
    expect(resolveClaudePaths({ USER: 'ada' }, '/home/ada', 'linux')).toEqual({
      configDir: '/home/ada/.claude',
      customConfigDir: false,
      credentialsFile: '/home/ada/.claude/.credentials.json',
      claudeJson: '/home/ada/.claude.json',
      keychainService: 'Claude Code-credentials',
      keychainAccount: 'ada',
    });
  });

  it('follows CLAUDE_CONFIG_DIR, with .claude.json inside it and a hashed keychain service', () => {
    const dir = '/work/claude-b';
    const hash = createHash('sha256').update(dir).digest('hex').slice(0, 8);
    expect(resolveClaudePaths({ CLAUDE_CONFIG_DIR: dir, USER: 'ada' }, '/home/ada', 'darwin')).toMatchObject({
      configDir: dir,
      customConfigDir: true,
      credentialsFile: `${dir}/.credentials.json`,
      claudeJson: `${dir}/.claude.json`,
      keychainService: `Claude Code-credentials-${hash}`,
    });
  });

  it('ignores an empty CLAUDE_CONFIG_DIR', () => {
    expect(resolveClaudePaths({ CLAUDE_CONFIG_DIR: '' }, '/home/ada', 'linux').configDir).toBe('/home/ada/.claude');
  });

  it('uses the keychain account Claude Code uses for unusual user names', () => {
    expect(resolveClaudePaths({ USER: 'a b' }, '/h', 'darwin').keychainAccount).toBe('claude-code-user');
    expect(resolveClaudePaths({}, '/h', 'darwin', 'bob').keychainAccount).toBe('bob');
  });
});

describe('parseClaudeCredentials', () => {
  it('accepts the inner object as well as the file shape', () => {
    expect(parseClaudeCredentials(JSON.stringify(OAUTH))).toEqual({ ok: true, value: EXPECTED });
  });

  it('defaults optional fields', () => {
    const { scopes: _s, subscriptionType: _t, rateLimitTier: _r, ...bare } = OAUTH;
    expect(parseClaudeCredentials(JSON.stringify({ claudeAiOauth: bare }))).toEqual({
      ok: true,
      value: { ...EXPECTED, scopes: [], subscriptionType: null, rateLimitTier: null },
    });
  });

  it('names the failing field without its value', () => {
    const result = parseClaudeCredentials(JSON.stringify({ claudeAiOauth: { ...OAUTH, expiresAt: 'soon' } }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('invalid');
      expect(result.error.message).toContain('the expiry time (expiresAt) is missing or not valid');
      expect(result.error.message).not.toMatch(/claudeAiOauth\./);
      expect(result.error.message).not.toContain('secret');
    }
  });
});

describe('readClaudeCredentials', () => {
  let dir: string;
  let paths: ClaudePaths;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccmax-claude-store-'));
    paths = resolveClaudePaths({ CLAUDE_CONFIG_DIR: join(dir, 'cfg'), USER: 'ada' }, dir, 'linux');
    await mkdir(paths.configDir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const writeCreds = (text: string) => writeFile(paths.credentialsFile, text, { mode: 0o600 });

  it('reads a valid credentials file', async () => {
    await writeCreds(JSON.stringify({ claudeAiOauth: OAUTH }));
    expect(await readClaudeCredentials(paths, { platform: 'linux' })).toEqual({
      ok: true,
      value: { credentials: EXPECTED, source: 'file' },
    });
  });

  it('ignores extra top-level keys', async () => {
    await writeCreds(JSON.stringify({ mcpOAuth: { server: { accessToken: 'other' } }, claudeAiOauth: OAUTH, future: 1 }));
    const result = await readClaudeCredentials(paths, { platform: 'linux' });
    expect(result.ok && result.value.credentials).toEqual(EXPECTED);
  });

  it('reports a missing file as missing', async () => {
    const result = await readClaudeCredentials(paths, { platform: 'linux' });
    expect(result.ok ? null : result.error.kind).toBe('missing');
  });

  it('reports invalid JSON without quoting the file', async () => {
    await writeCreds(`{"claudeAiOauth": {"accessToken": "sk-ant-oat01-secret-access", oops}}`);
    const result = await readClaudeCredentials(paths, { platform: 'linux' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('invalid');
      expect(result.error.message).not.toContain('secret');
    }
  });

  it('reports a file without claudeAiOauth as missing a login', async () => {
    await writeCreds(JSON.stringify({ mcpOAuth: {} }));
    const result = await readClaudeCredentials(paths, { platform: 'linux' });
    expect(result.ok ? null : result.error).toMatchObject({ kind: 'missing', message: expect.stringContaining('claudeAiOauth') });
  });

  it('reports a claudeAiOauth without a refresh token as invalid', async () => {
    const { refreshToken: _r, ...noRefresh } = OAUTH;
    await writeCreds(JSON.stringify({ claudeAiOauth: noRefresh }));
    const result = await readClaudeCredentials(paths, { platform: 'linux' });
    expect(result.ok ? null : result.error).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('the refresh token is missing'),
    });
  });

  it('reads the macOS keychain item through security with the right arguments', async () => {
    const calls: (readonly string[])[] = [];
    const runSecurity: SecurityRunner = async (args) => {
      calls.push(args);
      return { exitCode: 0, stdout: `${JSON.stringify({ claudeAiOauth: OAUTH })}\n` };
    };
    const result = await readClaudeCredentials(paths, { platform: 'darwin', runSecurity });
    expect(result).toEqual({ ok: true, value: { credentials: EXPECTED, source: 'keychain' } });
    expect(calls).toEqual([['find-generic-password', '-a', 'ada', '-w', '-s', paths.keychainService]]);
  });

  it('decodes a keychain value that security prints as hex', async () => {
    const hex = Buffer.from(JSON.stringify({ claudeAiOauth: OAUTH })).toString('hex');
    const result = await readClaudeCredentials(paths, { platform: 'darwin', runSecurity: async () => ({ exitCode: 0, stdout: hex }) });
    expect(result.ok && result.value.credentials).toEqual(EXPECTED);
  });

  it('falls back to the file when the keychain has no item', async () => {
    await writeCreds(JSON.stringify({ claudeAiOauth: OAUTH }));
    const result = await readClaudeCredentials(paths, { platform: 'darwin', runSecurity: async () => ({ exitCode: 44, stdout: '' }) });
    expect(result.ok && result.value.source).toBe('file');
  });

  it('reports a failing keychain as unreadable rather than reading a possibly stale file', async () => {
    await writeCreds(JSON.stringify({ claudeAiOauth: OAUTH }));
    const result = await readClaudeCredentials(paths, { platform: 'darwin', runSecurity: async () => ({ exitCode: 36, stdout: '' }) });
    expect(result.ok ? null : result.error).toMatchObject({ kind: 'unreadable', message: expect.stringContaining('36') });
  });

  it('reports an invalid keychain value as invalid', async () => {
    const result = await readClaudeCredentials(paths, {
      platform: 'darwin',
      runSecurity: async () => ({ exitCode: 0, stdout: 'sk-ant-oat01-secret' }),
    });
    expect(result.ok ? null : result.error.kind).toBe('invalid');
    expect(result.ok ? '' : result.error.message).not.toContain('secret');
  });
});

describe('readOAuthAccount', () => {
  let dir: string;
  let paths: ClaudePaths;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ccmax-claude-json-'));
    paths = resolveClaudePaths({}, dir, 'linux');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the identity block', async () => {
    await writeFile(
      paths.claudeJson,
      JSON.stringify({
        numStartups: 3,
        oauthAccount: { accountUuid: 'u-1', emailAddress: 'a@example.com', organizationUuid: 'o-1', displayName: 'A' },
      }),
    );
    expect(await readOAuthAccount(paths)).toEqual({ accountUuid: 'u-1', emailAddress: 'a@example.com', organizationUuid: 'o-1' });
  });

  it.each([
    ['the file is missing', null],
    ['the file is not JSON', '{nope'],
    ['there is no oauthAccount', JSON.stringify({ numStartups: 1 })],
    ['oauthAccount has no uuid', JSON.stringify({ oauthAccount: { emailAddress: 'a@example.com' } })],
  ])('returns null when %s', async (_name, text) => {
    if (text !== null) await writeFile(paths.claudeJson, text);
    expect(await readOAuthAccount(paths)).toBeNull();
  });
});
