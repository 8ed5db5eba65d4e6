import { describe, expect, it } from 'vitest';
import { spliceTopLevelKey } from '../../src-main/engine/claude-code/credential-targets/json-splice.js';

const block = { accountUuid: 'uuid-new', emailAddress: 'new@example.test', organizationUuid: 'org-new', displayName: 'New' };

/** A `.claude.json`-like text the way Claude Code writes it (two spaces), with awkward content around the key. */
const claudeJson = [
  '{',
  '  "numStartups": 42,',
  '  "tipsHistory": {"a": 1, "brace}in\\"string": "{[", "big": 12345678901234567890},',
  '  "oauthAccount": {',
  '    "accountUuid": "uuid-old",',
  '    "emailAddress": "old@example.test",',
  '    "billingType": "stripe_subscription"',
  '  },',
  '  "projects": {',
  '    "/home/u/p": {"allowedTools": [], "history": ["x", "y"]}',
  '  },',
  '  "userID": "abc"',
  '}',
  '',
].join('\n');

function expectOnlyValueChanged(before: string, after: string, key: string): void {
  const start = before.indexOf(`"${key}": `) + key.length + 4;
  const oldEnd = before.indexOf('\n  },', start) + 4;
  const tail = before.slice(oldEnd);
  expect(after.startsWith(before.slice(0, start))).toBe(true);
  expect(after.endsWith(tail)).toBe(true);
}

describe('spliceTopLevelKey', () => {
  it('replaces only the value of the key, keeping every other byte', () => {
    const result = spliceTopLevelKey(claudeJson, 'oauthAccount', block, 'f');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.method).toBe('splice');
    expectOnlyValueChanged(claudeJson, result.value.text, 'oauthAccount');
    expect(JSON.parse(result.value.text).oauthAccount).toEqual(block);
  });

  it('indents the new value like the member it replaces', () => {
    const result = spliceTopLevelKey(claudeJson, 'oauthAccount', block, 'f');
    expect(result.ok && result.value.text).toContain('  "oauthAccount": {\n    "accountUuid": "uuid-new",\n');
    expect(result.ok && result.value.text).toContain('    "displayName": "New"\n  },\n  "projects"');
  });

  it('keeps numbers too large for a JavaScript number exactly as written', () => {
    const result = spliceTopLevelKey(claudeJson, 'oauthAccount', block, 'f');
    expect(result.ok && result.value.text).toContain('"big": 12345678901234567890');
  });

  it('inserts a missing key after the last member, keeping the rest byte for byte', () => {
    const without = '{\n  "numStartups": 1,\n  "userID": "abc"\n}\n';
    const result = spliceTopLevelKey(without, 'oauthAccount', block, 'f');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.method).toBe('splice');
    expect(result.value.text.startsWith('{\n  "numStartups": 1,\n  "userID": "abc",\n  "oauthAccount": {\n')).toBe(true);
    expect(result.value.text.endsWith('\n  }\n}\n')).toBe(true);
    expect(JSON.parse(result.value.text)).toEqual({ numStartups: 1, userID: 'abc', oauthAccount: block });
  });

  it('keeps a compact file compact', () => {
    const result = spliceTopLevelKey('{"a":1,"oauthAccount":{"accountUuid":"x"},"b":[1,2]}', 'oauthAccount', block, 'f');
    expect(result.ok && result.value).toEqual({
      method: 'splice',
      text: `{"a":1,"oauthAccount":${JSON.stringify(block)},"b":[1,2]}`,
    });
  });

  it('keeps Windows line endings', () => {
    const crlf = claudeJson.replace(/\n/g, '\r\n');
    const result = spliceTopLevelKey(crlf, 'oauthAccount', block, 'f');
    expect(result.ok && result.value.text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(result.ok && result.value.method).toBe('splice');
  });

  it('rewrites the whole document in its own indentation when the key appears twice', () => {
    const duplicated = '{\n    "oauthAccount": {"accountUuid": "a"},\n    "x": 1,\n    "oauthAccount": {"accountUuid": "b"}\n}\n';
    const result = spliceTopLevelKey(duplicated, 'oauthAccount', block, 'f');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.method).toBe('rewrite');
    expect(result.value.text).toBe(`${JSON.stringify({ oauthAccount: block, x: 1 }, null, 4)}\n`);
  });

  it('rewrites an empty object', () => {
    const result = spliceTopLevelKey('{}', 'oauthAccount', block, 'f');
    expect(result.ok && result.value).toEqual({ method: 'rewrite', text: JSON.stringify({ oauthAccount: block }) });
  });

  it('starts a new document when there is no text', () => {
    const result = spliceTopLevelKey(null, 'oauthAccount', block, 'f');
    expect(result.ok && JSON.parse(result.value.text)).toEqual({ oauthAccount: block });
  });

  it('refuses text that is not JSON, without quoting it', () => {
    const result = spliceTopLevelKey('{"secret": "sk-ant-oat01-zzz"', 'oauthAccount', block, '/x/.claude.json');
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(JSON.stringify(result)).not.toContain('sk-ant');
  });

  it('refuses a document that is not an object', () => {
    expect(spliceTopLevelKey('[1, 2]', 'oauthAccount', block, 'f')).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });
});
