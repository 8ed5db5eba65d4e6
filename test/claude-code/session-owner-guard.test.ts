import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionOwnerGuard, guardFlagIn } from '../../src-main/engine/claude-code/session-owner-guard.js';
import { CLAUDE_CODE_FACTS } from '../../src-main/shared/claude-code-facts.js';

const FLAG = CLAUDE_CODE_FACTS.sessionOwnerGuardFlag.value;
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccmax-guard-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A `.claude.json` as Claude Code 2.1.331 writes it: many keys, the flags cached under `cachedGrowthBookFeatures`. */
function config(features: Record<string, unknown> | null, key = 'cachedGrowthBookFeatures'): string {
  return JSON.stringify({
    numStartups: 12,
    oauthAccount: { accountUuid: 'u-1', emailAddress: 'a@example.com' },
    ...(features ? { [key]: { tengu_streamed_thimble: true, ...features }, [`${key}At`]: 1_790_000_000_000 } : {}),
  });
}

describe('guardFlagIn', () => {
  it('reads the flag from cachedGrowthBookFeatures, else cachedFeatureFlags, as the CLI does', () => {
    expect(FLAG).toBe('tengu_ticklish_moon');
    expect(guardFlagIn(config({ [FLAG]: true }))).toBe('on');
    expect(guardFlagIn(config({ [FLAG]: false }))).toBe('off');
    expect(guardFlagIn(config({ [FLAG]: true }, 'cachedFeatureFlags'))).toBe('on');
    // cachedGrowthBookFeatures wins when both exist (`e.cachedGrowthBookFeatures ?? e.cachedFeatureFlags`).
    const both = JSON.stringify({ cachedGrowthBookFeatures: { [FLAG]: false }, cachedFeatureFlags: { [FLAG]: true } });
    expect(guardFlagIn(both)).toBe('off');
  });

  it('says unset when no boolean is cached (the CLI then takes its default, off) and unreadable for bad JSON', () => {
    expect(guardFlagIn(config(null))).toBe('unset');
    expect(guardFlagIn(config({}))).toBe('unset');
    expect(guardFlagIn(config({ [FLAG]: 'true' }))).toBe('unset');
    expect(guardFlagIn('{"cachedGrowthBookFeatures": {')).toBe('unreadable');
    expect(guardFlagIn('[]')).toBe('unreadable');
  });
});

describe('createSessionOwnerGuard', () => {
  it('is on when any known config has the flag on, and says which', async () => {
    const home = path.join(dir, '.claude.json');
    const custom = path.join(dir, 'work', '.claude.json');
    await fs.mkdir(path.dirname(custom));
    await fs.writeFile(home, config({ [FLAG]: false }));
    await fs.writeFile(custom, config({ [FLAG]: true }));
    const guard = createSessionOwnerGuard({ files: [home, custom, path.join(dir, 'missing', '.claude.json')] });
    expect(guard.isOn()).toBe(false);
    expect(await guard.check()).toBe(true);
    expect(guard.isOn()).toBe(true);
    expect(guard.view().configs.map((c) => c.state)).toEqual(['off', 'on', 'unset']);
    expect(await guard.check()).toBe(false);
  });

  it('notices a change of the file (and only re-parses when it changed)', async () => {
    const file = path.join(dir, '.claude.json');
    await fs.writeFile(file, config({ [FLAG]: false }));
    const guard = createSessionOwnerGuard({ files: [file] });
    await guard.check();
    expect(guard.isOn()).toBe(false);
    await fs.writeFile(file, config({ [FLAG]: true, padding: 'x' }));
    expect(await guard.check()).toBe(true);
    expect(guard.isOn()).toBe(true);
    await fs.rm(file);
    expect(await guard.check()).toBe(true);
    expect(guard.view()).toEqual({ on: false, configs: [{ path: file, state: 'unset' }] });
  });

  it('keeps the last good state while the file is caught mid-write, and reads it again next time', async () => {
    const file = path.join(dir, '.claude.json');
    await fs.writeFile(file, config({ [FLAG]: true }));
    const guard = createSessionOwnerGuard({ files: [file] });
    await guard.check();
    await fs.writeFile(file, '{"numStartups": 1, "cachedGrowth');
    expect(await guard.check()).toBe(false);
    expect(guard.isOn()).toBe(true);
    await fs.writeFile(file, config({ [FLAG]: false, more: 1 }));
    expect(await guard.check()).toBe(true);
    expect(guard.isOn()).toBe(false);
  });

  it('says unreadable for a file it cannot parse and never had a good state for', async () => {
    const file = path.join(dir, '.claude.json');
    await fs.writeFile(file, 'not json');
    const guard = createSessionOwnerGuard({ files: [file] });
    await guard.check();
    expect(guard.view().configs).toEqual([{ path: file, state: 'unreadable' }]);
    expect(guard.isOn()).toBe(false);
  });
});
