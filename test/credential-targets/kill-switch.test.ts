/**
 * Switch safety: a child process switching the credentials file between two logins in a loop is
 * SIGKILLed at random points, hundreds of times. After every kill the file must parse, hold one
 * of the two logins complete, keep the other keys and mode 0600; orphaned temp files must not pile
 * up. Lanes run in parallel (each its own config dir) to keep the test short.
 */
import { build } from 'esbuild';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialsFileTarget } from '../../src-main/engine/claude-code/credential-targets/credentials-file-target.js';
import { asStored, login, makeTempClaude, ourTemps, startChild, type TempClaude } from './target-fixtures.js';

const LANES = 4;
const KILLS_PER_LANE = 55;
/** Kills land this long (uniformly random) after the child reports it is about to start writing. */
const MAX_KILL_DELAY_MS = 25;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const logins = [login('alpha'), login('bravo', 1_800_000_000_000)];
const stored = logins.map(asStored);
const others = { mcpOAuth: { 'github|abc': { accessToken: 'mcp-test', expiresAt: 1 } }, z: [1, 2, 3] };

let bundleDir: string;
let bundlePath: string;

beforeAll(async () => {
  bundleDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccmax-kill-bundle-'));
  bundlePath = path.join(bundleDir, 'credentials-file-target.cjs');
  await build({
    entryPoints: [path.join(ROOT, 'src-main/engine/claude-code/credential-targets/credentials-file-target.ts')],
    bundle: true,
    // Minified, the bundle loads faster in each of the hundreds of short-lived children.
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundlePath,
    logLevel: 'silent',
  });
});

afterAll(async () => {
  await fs.rm(bundleDir, { recursive: true, force: true });
});

interface LaneReport {
  readonly kills: number;
  readonly seen: Set<number>;
  readonly killsWithTempLeft: number;
}

async function runLane(claude: TempClaude, loginsFile: string): Promise<LaneReport> {
  const seen = new Set<number>();
  let killsWithTempLeft = 0;
  for (let kill = 0; kill < KILLS_PER_LANE; kill++) {
    const child = startChild('switch-child.mjs', [bundlePath, claude.configDir, claude.credentialsFile, loginsFile]);
    await child.waitForLine('ready');
    await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_KILL_DELAY_MS));
    child.process.kill('SIGKILL');
    const code = await child.exited();
    if (code !== null) throw new Error(`the switching child exited by itself (${code}): ${child.stderr()}`);

    const text = await fs.readFile(claude.credentialsFile, 'utf8');
    const doc = JSON.parse(text) as Record<string, unknown>;
    const which = stored.findIndex((s) => JSON.stringify(s) === JSON.stringify(doc.claudeAiOauth));
    if (which < 0) throw new Error(`after kill ${kill} the file holds neither login completely`);
    seen.add(which);
    expect(doc.mcpOAuth).toEqual(others.mcpOAuth);
    expect(doc.z).toEqual(others.z);
    expect((await fs.stat(claude.credentialsFile)).mode & 0o777).toBe(0o600);
    const temps = await ourTemps(claude.configDir);
    // Each write first removes orphans, so at most the killed write's own temp file can be left.
    expect(temps.length).toBeLessThanOrEqual(1);
    if (temps.length === 1) killsWithTempLeft++;

    // A SIGKILLed holder leaves its lock directories; proper-lockfile would take them over as stale
    // after 10 s. The holder is provably gone, so clear them to keep the test fast.
    await fs.rm(path.join(claude.configDir, '.oauth_refresh.lock'), { recursive: true, force: true });
    await fs.rm(`${claude.configDir}.lock`, { recursive: true, force: true });
  }
  return { kills: KILLS_PER_LANE, seen, killsWithTempLeft };
}

describe('credentials-file target under SIGKILL', () => {
  it('always leaves a parseable file holding one complete login, whatever point the writer dies at', async () => {
    const lanes = await Promise.all(
      Array.from({ length: LANES }, async () => {
        const claude = await makeTempClaude();
        const loginsFile = path.join(claude.root, 'logins.json');
        await fs.writeFile(loginsFile, JSON.stringify(logins));
        await fs.writeFile(claude.credentialsFile, JSON.stringify({ ...others, claudeAiOauth: stored[0] }), { mode: 0o600 });
        try {
          const report = await runLane(claude, loginsFile);
          // The next successful write cleans up whatever the last kill left.
          const target = createCredentialsFileTarget({ paths: claude });
          expect((await target.write(logins[1] ?? login('x'))).ok).toBe(true);
          expect(await ourTemps(claude.configDir)).toEqual([]);
          return report;
        } finally {
          await claude.cleanup();
        }
      }),
    );
    const kills = lanes.reduce((n, lane) => n + lane.kills, 0);
    expect(kills).toBeGreaterThanOrEqual(200);
    // Evidence the kills hit the writer at work: both logins were seen on disk across the kills.
    expect(new Set(lanes.flatMap((lane) => [...lane.seen])).size).toBe(2);
    console.info(`kill test: ${kills} kills, ${lanes.reduce((n, l) => n + l.killsWithTempLeft, 0)} of them mid-write (temp file left)`);
  }, 180_000);
});
