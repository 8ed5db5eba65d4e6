// Plays Claude Code refreshing its token in another process: takes Claude Code's two refresh locks
// (as CLAUDE-CODE.md describes), changes a key of its own in the credentials file, and releases.
//   node lock-holder.mjs hold <configDir> <credentialsFile> <holdMs>   one change, lock held holdMs
//   node lock-holder.mjs loop <configDir> <credentialsFile> <count>    count changes, keys other0..N
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';

const [mode, configDir, credentialsFile, amount] = process.argv.slice(2);
const n = Number(amount);
const lockOptions = { realpath: false, stale: 10_000, retries: { retries: 400, minTimeout: 5, maxTimeout: 40 } };

async function lockBoth() {
  const dirRelease = await lockfile.lock(configDir, { ...lockOptions, lockfilePath: `${configDir}/.oauth_refresh.lock` });
  const legacy = `${fs.realpathSync(configDir)}.lock`;
  const legacyRelease = await lockfile.lock(legacy, { ...lockOptions, lockfilePath: legacy });
  return async () => {
    await legacyRelease();
    await dirRelease();
  };
}

function setKey(key, value) {
  const doc = JSON.parse(fs.readFileSync(credentialsFile, 'utf8'));
  doc[key] = value;
  const tmp = `${credentialsFile}.holder-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(doc), { mode: 0o600 });
  fs.renameSync(tmp, credentialsFile);
}

if (mode === 'hold') {
  const release = await lockBoth();
  process.stdout.write('locked\n');
  await sleep(n / 2);
  setKey('holder', { wroteAtMs: Date.now() });
  await sleep(n / 2);
  await release();
  process.stdout.write('released\n');
} else if (mode === 'loop') {
  process.stdout.write('started\n');
  for (let i = 0; i < n; i++) {
    const release = await lockBoth();
    setKey(`other${i}`, i);
    await release();
    await sleep(Math.random() * 4);
  }
  process.stdout.write('done\n');
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
