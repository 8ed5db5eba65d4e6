import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confStoreAdapter, type StoreAdapterOptions } from '../../src-main/engine/storage/conf-json-store.js';
import { createDesktopEngine, type DesktopEngine } from '../../src-main/shell/engine-factory.js';
import { COMMAND_NAMES } from '../../src-main/shared/contract.js';
import { createRecordingLogger } from './shell-helpers.js';

let dir: string;
let opened: DesktopEngine | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ccmax-desktop-engine-'));
});
afterEach(async () => {
  await opened?.close();
  opened = null;
  await rm(dir, { recursive: true, force: true });
});

function open(env: NodeJS.ProcessEnv = {}) {
  const adapterCalls: StoreAdapterOptions[] = [];
  const promise = createDesktopEngine({
    dataDir: join(dir, 'data'),
    // Port 0: these tests are about the engine; test/shell/local-server.test.ts covers the server (composed by host/start-monitor.ts).
    env: { CCMAX_VAULT: 'file', CLAUDE_CONFIG_DIR: join(dir, 'claude'), CCMAX_PORT: '0', ...env },
    platform: 'linux',
    homeDir: dir,
    logger: createRecordingLogger(),
    demo: false,
    rendererDir: join(dir, 'renderer'),
    createStoreAdapter: (options) => {
      adapterCalls.push(options);
      return confStoreAdapter(options);
    },
  });
  return { promise, adapterCalls };
}

describe('desktop engine', () => {
  it('keeps its state files through the store adapter the shell hands in (electron-store in the app)', async () => {
    const { promise, adapterCalls } = open();
    opened = await promise;
    expect(adapterCalls.map((c) => c.configName).sort()).toEqual(['state', 'usage-cache']);
    expect(adapterCalls.every((c) => c.cwd === join(dir, 'data') && c.configFileMode === 0o600)).toBe(true);
  });

  it('answers every contract command through the shared handlers', async () => {
    opened = await open().promise;
    expect(Object.keys(opened.handlers).sort()).toEqual([...COMMAND_NAMES].sort());
    const snapshot = await opened.handlers.getSnapshot({});
    expect(snapshot.ok && snapshot.value.accounts).toEqual([]);
    const bad = await opened.handlers.switchTo({ accountId: 'nobody' });
    expect(bad.ok).toBe(false);
  });

  it('stops the engine on suspend and starts it again on wake', async () => {
    opened = await open().promise;
    await opened.engine.start();
    const pause = opened.power.pause();
    const resume = opened.power.resume();
    await Promise.all([pause, resume]);
    const kinds = opened.engine
      .events({ kinds: ['engine-started', 'engine-stopped'] })
      .map((e) => e.kind)
      .reverse();
    expect(kinds).toEqual(['engine-started', 'engine-stopped', 'engine-started']);
  });

  it('refuses an unknown CCMAX_VAULT with the choices', async () => {
    await expect(open({ CCMAX_VAULT: 'cloud' }).promise).rejects.toThrow(
      'CCMAX_VAULT=cloud is not a vault kind; use one of: keychain, file, auto',
    );
  });

  it('refuses a CCMAX_PORT that is not a port, saying what it must be', async () => {
    await expect(open({ CCMAX_PORT: 'eighty' }).promise).rejects.toThrow("CCMAX_PORT must be a whole number from 0 to 65535; got 'eighty'");
  });

  it('closes once however often it is asked', async () => {
    const engine = await open().promise;
    await Promise.all([engine.close(), engine.close()]);
    await engine.close();
  });
});
