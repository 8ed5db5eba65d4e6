/**
 * `ccmax-monitor heartbeat hook|statusline|pulse`: the heartbeat client through the main CLI. The
 * installed hooks call the lighter `out/heartbeat.js` directly; this path does the same work.
 */
import type { CommandHandler } from '../cli-types.js';
import { runHeartbeat } from '../heartbeat/run-heartbeat.js';

/** Runs the heartbeat client; exits 0 whatever the monitor does (2 only for an unknown mode). */
export const heartbeatCommand: CommandHandler = (argv, io) =>
  runHeartbeat(argv, {
    ...io,
    ppid: process.ppid,
    // The pulser is started again through the same CLI script: `node <bin> heartbeat pulse …`.
    selfArgs: [process.argv[1] ?? '', 'heartbeat'],
  });
