/**
 * Watches Claude Code's credentials file, recording every change of the access token (as a
 * fingerprint, never the token) with the time it was first seen. It polls (every 50 ms by default)
 * and also reads at once whenever the folder reports a change, so a swap is timed to a few ms.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fingerprint } from '../../../src-main/engine/vault/credentials.js';

/** One observed state of the file: the access token's fingerprint, or null when missing or unreadable. */
export interface CredentialsChange {
  readonly atMs: number;
  readonly tokenFingerprint: string | null;
}

export interface CredentialsWatch {
  /** The first read, then every change, oldest first. */
  readonly changes: readonly CredentialsChange[];
  /** Reads made, how many did not parse (an atomic writer leaves none), and the longest gap between reads. */
  readonly stats: () => { readonly reads: number; readonly unreadable: number; readonly longestGapMs: number };
  stop(): Promise<void>;
}

async function readTokenFingerprint(file: string): Promise<string | null> {
  try {
    const json = JSON.parse(await readFile(file, 'utf8')) as { claudeAiOauth?: { accessToken?: unknown } };
    const token = json.claudeAiOauth?.accessToken;
    return typeof token === 'string' ? fingerprint(token) : null;
  } catch {
    return null;
  }
}

/** Starts watching `file` until `stop()`. */
export function watchCredentials(file: string, everyMs = 50): CredentialsWatch {
  const changes: CredentialsChange[] = [];
  let reads = 0;
  let unreadable = 0;
  let longestGapMs = 0;
  let lastReadAtMs: number | null = null;
  let stopped = false;
  let reading: Promise<void> | null = null;
  let again = false;

  const readOnce = async (): Promise<void> => {
    const seen = await readTokenFingerprint(file);
    const atMs = Date.now();
    reads += 1;
    if (seen === null) unreadable += 1;
    // A long gap between reads (a starved event loop) would blur the timings; the test reports it.
    if (lastReadAtMs !== null) longestGapMs = Math.max(longestGapMs, atMs - lastReadAtMs);
    lastReadAtMs = atMs;
    if (changes.length === 0 || changes.at(-1)?.tokenFingerprint !== seen) changes.push({ atMs, tokenFingerprint: seen });
  };
  /** One read at a time; a request during a read runs one more read after it. */
  const check = (): Promise<void> => {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      do {
        again = false;
        await readOnce();
      } while (again && !stopped);
      reading = null;
    })();
    return reading;
  };

  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dirname(file), () => void check());
    watcher.on('error', () => watcher?.close());
  } catch {
    // Polling alone still works, with coarser timings.
  }
  const loop = (async () => {
    while (!stopped) {
      await check();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    changes,
    stats: () => ({ reads, unreadable, longestGapMs }),
    async stop() {
      stopped = true;
      watcher?.close();
      await loop;
      await reading;
    },
  };
}
