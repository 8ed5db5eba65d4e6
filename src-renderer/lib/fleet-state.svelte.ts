/**
 * The dashboard's shared state: the latest snapshot and the connection state, fed by the bridge
 * while anything on screen reads them, plus the notice line that reports command outcomes.
 * Components get it from context (`useFleet`), never from a module-level store.
 */
import { createSubscriber } from 'svelte/reactivity';
import type { CommandResult } from '../../src-main/shared/contract.js';
import type { AccountRow, FleetSnapshot } from '../../src-main/shared/view-model.js';
import type { ConnectionState, DashboardBridge } from './bridge-types.js';
import { toNextInLine } from './rotation-story.js';
import { toStableSnapshot } from './stable-snapshot.js';
import type { Ticker } from './ticker.svelte.js';

export interface Notice {
  readonly kind: 'info' | 'error';
  readonly text: string;
  /** True once a snapshot shows the action done (e.g. the switch happened): the notice then clears itself. */
  readonly settled?: (snapshot: FleetSnapshot) => boolean;
}

/** An info notice clears itself after this long; an error stays until dismissed or replaced. */
export const INFO_NOTICE_MS = 8_000;

/** The snapshot, connection state and notice line shared by every component (see the file comment). */
export class FleetState {
  readonly bridge: DashboardBridge;
  readonly ticker: Ticker;
  #notice = $state<Notice | null>(null);
  #noticeTimer: ReturnType<typeof setTimeout> | null = null;
  #snapshot: FleetSnapshot | null = null;
  #connection: ConnectionState = 'connecting';
  readonly #subscribe: () => void;

  /** The row rotation would move to next (see `toNextInLine`). */
  readonly nextInLine: AccountRow | null = $derived(this.snapshot ? toNextInLine(this.snapshot) : null);
  readonly #byId: ReadonlyMap<string, AccountRow> = $derived(new Map((this.snapshot?.accounts ?? []).map((row) => [row.id, row])));

  constructor(bridge: DashboardBridge, ticker: Ticker) {
    this.bridge = bridge;
    this.ticker = ticker;
    this.#subscribe = createSubscriber((update) => {
      const offSnapshot = bridge.onSnapshot((snapshot) => {
        this.#snapshot = toStableSnapshot(this.#snapshot, snapshot);
        if (this.#notice?.settled?.(snapshot)) this.notice = null;
        update();
      });
      const offConnection = bridge.onConnection((state) => {
        this.#connection = state;
        update();
      });
      return () => {
        offSnapshot();
        offConnection();
      };
    });
  }

  /** The latest snapshot; null until the first one arrives. */
  get snapshot(): FleetSnapshot | null {
    this.#subscribe();
    return this.#snapshot;
  }

  get connection(): ConnectionState {
    this.#subscribe();
    return this.#connection;
  }

  /** The notice line: the outcome of the last command (see {@link Notice} for when it clears itself). */
  get notice(): Notice | null {
    return this.#notice;
  }

  set notice(next: Notice | null) {
    this.#notice = next;
    if (this.#noticeTimer !== null) clearTimeout(this.#noticeTimer);
    this.#noticeTimer = null;
    // A pending action (with `settled`) waits for its outcome; a plain info notice fades after a while.
    if (next?.kind === 'info' && !next.settled) {
      this.#noticeTimer = setTimeout(() => {
        if (this.#notice === next) this.#notice = null;
      }, INFO_NOTICE_MS);
    }
  }

  /** Epoch ms now, ticking once a second for whoever reads it. */
  get nowMs(): number {
    return this.ticker.nowMs;
  }

  /** The row of an account id in the latest snapshot; undefined for null or an unknown id. */
  accountById(id: string | null): AccountRow | undefined {
    return id === null ? undefined : this.#byId.get(id);
  }

  /** Unpins: back to automatic rotation, reported in the notice line. */
  unpin(): Promise<CommandResult<{ accepted: true }>> {
    return this.run(this.bridge.switchTo({ accountId: null }), () => 'Unpinned: rotation is automatic again.');
  }

  /**
   * Runs a command and reports its outcome in the notice line: `done` (when given) on success,
   * the command's own message on failure. Resolves to the result for callers that need the value.
   */
  async run<T>(
    command: Promise<CommandResult<T>>,
    done?: (value: T) => string,
    settled?: (snapshot: FleetSnapshot) => boolean,
  ): Promise<CommandResult<T>> {
    const result = await command.catch(
      (error: unknown): CommandResult<T> => ({
        ok: false,
        error: { code: 'failed', message: error instanceof Error ? error.message : String(error) },
      }),
    );
    if (!result.ok) this.notice = { kind: 'error', text: result.error.message };
    else if (done) {
      const notice: Notice = { kind: 'info', text: done(result.value), ...(settled ? { settled } : {}) };
      this.notice = settled && this.#snapshot && settled(this.#snapshot) ? null : notice;
    }
    return result;
  }
}
