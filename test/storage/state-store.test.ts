import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confStoreAdapter, type StoreAdapterOptions } from '../../src-main/engine/storage/conf-json-store.js';
import { emptyState, SETTINGS_DEFAULTS, type PersistedState } from '../../src-main/engine/storage/state-schema.js';
import { createStateStore, createUsageCacheStore } from '../../src-main/engine/storage/state-store.js';
import type { StoreOpenReport } from '../../src-main/engine/storage/store-port.js';

const NOW_MS = Date.UTC(2026, 10, 24, 12, 0, 0);
let dir: string;
let reports: StoreOpenReport[];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccmax-state-'));
  reports = [];
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const open = () => createStateStore({ dataDir: dir, onReport: (r) => reports.push(r), now: () => NOW_MS });
const stateFile = () => path.join(dir, 'state.json');
const readFileJson = async (p: string): Promise<unknown> => JSON.parse(await fs.readFile(p, 'utf8'));

const withAccount = (state: PersistedState): PersistedState => ({
  ...state,
  accounts: [
    {
      id: 'acc-1',
      email: 'one@example.com',
      displayName: null,
      organizationUuid: null,
      organizationName: null,
      plan: 'Max 20x',
      rateLimitTier: null,
      label: 'work',
      enabled: true,
      addedAtMs: NOW_MS,
    },
  ],
});

async function expectBackedUp(original: string, reasonPattern: RegExp): Promise<void> {
  expect(reports).toHaveLength(1);
  const report = reports[0]!;
  expect(report.kind).toBe('corrupt');
  if (report.kind !== 'corrupt') return;
  expect(report.reason).toMatch(reasonPattern);
  expect(path.basename(report.backupPath)).toBe('state.json.corrupt-20261124T120000000Z');
  expect(await fs.readFile(report.backupPath, 'utf8')).toBe(original);
}

describe('createStateStore', () => {
  it('starts from defaults and creates the file when there is none', async () => {
    const store = open();
    expect(store.read()).toEqual(emptyState());
    expect(reports).toEqual([{ kind: 'created' }]);
    expect(await readFileJson(stateFile())).toEqual(emptyState());
    expect(store.path).toBe(stateFile());
  });

  it('reads back what an earlier instance wrote', async () => {
    open().write(withAccount(emptyState()));
    reports = [];
    const again = open();
    expect(reports).toEqual([{ kind: 'ok' }]);
    expect(again.read().accounts.map((a) => a.email)).toEqual(['one@example.com']);
  });

  it('fills in defaults for settings a valid file does not mention', async () => {
    await fs.writeFile(stateFile(), JSON.stringify({ version: 1, settings: { fiveHourThresholdPct: 70 } }));
    const store = open();
    expect(reports).toEqual([{ kind: 'ok' }]);
    expect(store.read().settings.fiveHourThresholdPct).toBe(70);
    expect(store.read().settings.minDwellMs).toBe(SETTINGS_DEFAULTS.minDwellMs);
  });

  it('backs up a file that is not JSON, reports it and starts from defaults', async () => {
    const original = '{"version": 1, "settings": {';
    await fs.writeFile(stateFile(), original);
    const store = open();
    await expectBackedUp(original, /not valid JSON/);
    expect(store.read()).toEqual(emptyState());
    expect(await readFileJson(stateFile())).toEqual(emptyState());
  });

  it('backs up a file that fails the schema and names the bad field', async () => {
    const original = JSON.stringify({ version: 1, settings: { fiveHourThresholdPct: 'high' } });
    await fs.writeFile(stateFile(), original);
    const store = open();
    await expectBackedUp(original, /settings\.fiveHourThresholdPct/);
    expect(store.read().settings.fiveHourThresholdPct).toBe(SETTINGS_DEFAULTS.fiveHourThresholdPct);
  });

  it('backs up a file from a newer version instead of guessing at it', async () => {
    const original = JSON.stringify({ version: 2, settings: {}, accounts: [], somethingNew: true });
    await fs.writeFile(stateFile(), original);
    const store = open();
    await expectBackedUp(original, /newer ccmax-monitor \(format version 2; this build reads up to 1\)/);
    expect(store.read()).toEqual(emptyState());
  });

  it('backs up a file without a version field', async () => {
    const original = JSON.stringify({ settings: {}, accounts: [] });
    await fs.writeFile(stateFile(), original);
    open();
    await expectBackedUp(original, /no valid "version"/);
  });

  it('refuses to write an invalid value and keeps the file as it was', async () => {
    const store = open();
    store.write(withAccount(emptyState()));
    const before = await fs.readFile(stateFile(), 'utf8');
    const bad = { ...emptyState(), settings: { ...emptyState().settings, fiveHourThresholdPct: 500 } };
    expect(() => store.write(bad)).toThrow(/fiveHourThresholdPct/);
    expect(await fs.readFile(stateFile(), 'utf8')).toBe(before);
    expect(store.read().accounts).toHaveLength(1);
  });

  it('opens the file through an injected adapter factory (the electron-store seam)', async () => {
    const seen: StoreAdapterOptions[] = [];
    const store = createStateStore({
      dataDir: dir,
      createAdapter: (o) => {
        seen.push(o);
        return confStoreAdapter(o);
      },
    });
    store.write(withAccount(emptyState()));
    expect(seen).toEqual([{ cwd: dir, configName: 'state', configFileMode: 0o600 }]);
    expect(((await readFileJson(stateFile())) as PersistedState).accounts).toHaveLength(1);
  });
});

describe('createUsageCacheStore', () => {
  const entry = {
    fiveHour: { utilizationPct: 12, resetsAtMs: NOW_MS + 3_600_000 },
    sevenDay: { utilizationPct: 40, resetsAtMs: NOW_MS + 86_400_000 },
    extra: {},
    readAtMs: NOW_MS,
    source: 'poll' as const,
  };

  it('keeps readings across instances', () => {
    createUsageCacheStore({ dataDir: dir }).write({ version: 1, entries: { 'acc-1': entry } });
    expect(createUsageCacheStore({ dataDir: dir }).read().entries['acc-1']).toEqual(entry);
  });

  it('backs up an invalid cache, reports it and starts empty', async () => {
    const file = path.join(dir, 'usage-cache.json');
    await fs.writeFile(file, JSON.stringify({ version: 1, entries: { 'acc-1': { source: 'guess' } } }));
    const store = createUsageCacheStore({ dataDir: dir, onReport: (r) => reports.push(r), now: () => NOW_MS });
    expect(store.read()).toEqual({ version: 1, entries: {} });
    expect(reports[0]?.kind).toBe('corrupt');
    expect(reports[0]?.kind === 'corrupt' && path.basename(reports[0].backupPath)).toBe('usage-cache.json.corrupt-20261124T120000000Z');
  });
});
