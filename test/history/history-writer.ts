// Child process of the crash test: records readings into the history as fast as it can and
// reports each committed one on stdout (synchronously, so a reported reading was committed).
//   node history-writer.mjs <dbPath> <firstAtMs>
import { writeSync } from 'node:fs';
import { createHistoryStore } from '../../src-main/engine/history/history-store.js';
import { openHistoryDb } from '../../src-main/engine/history/open-history-db.js';

const [path = '', first = '0'] = process.argv.slice(2);
const store = createHistoryStore(openHistoryDb(path, Date.now()).db);
writeSync(1, 'ready\n');
for (let i = 0; ; i++) {
  const atMs = Number(first) + i * 1000;
  store.recordReading(`acct-${i % 3}`, {
    atMs,
    source: 'poll',
    sevenDay: { pct: (i % 1000) / 10, resetsAtMs: Number(first) + 7 * 86_400_000 },
    fiveHour: { pct: i % 101, resetsAtMs: Number(first) + 5 * 3_600_000 },
  });
  if (i % 50 === 0) store.recordSwitch({ atMs, fromId: 'acct-0', toId: 'acct-1', trigger: 'breach', deferralWaitMs: i });
  writeSync(1, `${atMs}\n`);
}
