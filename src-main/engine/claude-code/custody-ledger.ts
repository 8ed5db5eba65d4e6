/**
 * The custody ledger: remembers what our switcher wrote into Claude Code's store and every login
 * generation the vault held, attributes each change of the stored login ({@link classify}), records
 * it as a `login-changed` event and on the account's row, and raises one `foreign-writer-detected`
 * warning per burst of writes by another tool. Fingerprints only; its memory survives a restart.
 */
import type { CustodyView } from '../../shared/custody-view.js';
import type { EngineEvents } from '../engine-events.js';
import type { Clock } from '../ports.js';
import type { CustodyState } from '../storage/state-schema.js';
import type { StateStore } from '../storage/store-port.js';
import { fingerprint, type OAuthCredentials } from '../vault/credentials.js';
import {
  classify,
  FOREIGN_WRITE_WINDOW_MS,
  NO_FOREIGN_WRITES,
  recordForeignWrite,
  sameLogin,
  type AccountGenerations,
  type Attribution,
  type CustodyObservation,
  type ForeignWriteMemory,
  type LoginPrint,
  type OurWrite,
} from './custody.js';
import { custodyEventText, custodyRowText, isForeign } from './custody-text.js';

/** Where the ledger keeps its memory (the `custody` block of `state.json`). */
export interface CustodyStore {
  read(): CustodyState;
  write(next: CustodyState): void;
}

/** The `custody` block of the state store. */
export function custodyStoreIn(store: StateStore): CustodyStore {
  return { read: () => store.read().custody, write: (custody) => store.write({ ...store.read(), custody }) };
}

export interface CustodyLedgerDeps {
  readonly clock: Clock;
  readonly events: EngineEvents;
  readonly emailOf: (accountId: string) => string;
  /** Default: memory only. */
  readonly store?: CustodyStore;
  /** How long our own writes are recognised; default 10 minutes (the tracker looks every 10 s). */
  readonly ourWriteMemoryMs?: number;
}

export interface CustodyLedger {
  /** Our switcher is about to write `credentials` of `accountId` into Claude Code's store. */
  wrote(accountId: string, credentials: OAuthCredentials): void;
  /** The vault holds `credentials` for the account now: a replaced refresh token becomes an older generation. */
  noteVault(accountId: string, credentials: OAuthCredentials | null): void;
  /** The account whose older generation holds this refresh token (never to be harvested); null when none. */
  retiredOwner(refreshToken: string): string | null;
  /**
   * One look at Claude Code's store: attributes the change since the previous look (the first look
   * only sets the baseline), records it, and returns the attribution; null when nothing changed.
   */
  observe(next: CustodyObservation): Attribution | null;
  /** True when `login` differs from the last look (or there was none): only then is its account worth finding out. */
  isNew(login: LoginPrint | null): boolean;
  /** The account of the last look, for a look whose tokens did not change. */
  lastAccountId(): string | null;
  /** The last change involving the account, for its row; null when none was seen. */
  viewOf(accountId: string): CustodyView | null;
}

/** The fingerprints of a login. */
export function toLoginPrint(credentials: OAuthCredentials): LoginPrint {
  return {
    accessFp: fingerprint(credentials.accessToken),
    refreshFp: fingerprint(credentials.refreshToken),
    expiresAtMs: credentials.expiresAtMs,
  };
}

/** Older generations kept per account. */
const MAX_RETIRED = 20;
/** Foreign writes described in the warning. */
const MAX_FOREIGN_SHOWN = 5;

export function createCustodyLedger(deps: CustodyLedgerDeps): CustodyLedger {
  const { clock } = deps;
  const ourWriteMemoryMs = deps.ourWriteMemoryMs ?? 10 * 60_000;
  const memory: CustodyState = structuredClone(deps.store?.read() ?? { generations: {}, lastChanges: {} });
  const save = (): void => deps.store?.write(structuredClone(memory));
  let ourWrites: OurWrite[] = [];
  let last: CustodyObservation | null = null;
  /** Tokens of another account seen under an identity block that did not name them yet (one look's grace). */
  let awaitingIdentity: LoginPrint | null = null;
  let foreign: ForeignWriteMemory = NO_FOREIGN_WRITES;
  let foreignSeen: { readonly atMs: number; readonly text: string }[] = [];

  const generations = (): AccountGenerations[] =>
    Object.entries(memory.generations).map(([accountId, g]) => ({
      accountId,
      current: g.current,
      currentSinceMs: g.sinceMs,
      retiredRefreshFps: g.retired,
    }));

  function record(a: Attribution, before: LoginPrint | null, after: LoginPrint | null, atMs: number): void {
    const accountId = a.accountId;
    const text = custodyEventText(a, before, after, deps.emailOf);
    const view: CustodyView = {
      kind: a.kind,
      atMs,
      text: custodyRowText(a),
      accessFp: after?.accessFp ?? null,
      refreshFp: after?.refreshFp ?? null,
      foreign: isForeign(a.kind),
    };
    const known = accountId !== null && (a.kind !== 'new-login' || a.known);
    if (known) memory.lastChanges[accountId] = view;
    save();
    deps.events.emit('login-changed', view.foreign ? 'warn' : 'info', text, known ? accountId : undefined, {
      by: a.kind,
      reason: 'reason' in a ? a.reason : null,
      token: view.accessFp,
      refresh: view.refreshFp,
      previousToken: before?.accessFp ?? null,
    });
    if (view.foreign) foreignWrite(text, atMs);
  }

  function foreignWrite(text: string, atMs: number): void {
    const step = recordForeignWrite(foreign, atMs);
    foreign = step.memory;
    foreignSeen = [...foreignSeen.filter((f) => atMs - f.atMs < FOREIGN_WRITE_WINDOW_MS), { atMs, text }].slice(-MAX_FOREIGN_SHOWN);
    if (!step.warn) return;
    const minutes = Math.round(FOREIGN_WRITE_WINDOW_MS / 60_000);
    const seen = foreignSeen.map((f) => f.text.replace(/^Claude Code's login changed: /, '')).join(' ');
    deps.events.emit(
      'foreign-writer-detected',
      'warn',
      `Another tool is writing Claude Code's login: ${foreign.recentMs.length} changes in ${minutes} minutes ` +
        `were made by neither ccmax-monitor, Claude Code nor a /login. Seen: ${seen} ` +
        "Close other switchers (any other tool that writes Claude Code's credentials) so they do not undo switches or put back old logins.",
      undefined,
      { count: foreign.recentMs.length, windowMs: FOREIGN_WRITE_WINDOW_MS },
    );
  }

  return {
    wrote(accountId, credentials) {
      const atMs = clock.now();
      const p = toLoginPrint(credentials);
      ourWrites = [...ourWrites.filter((w) => atMs - w.atMs < ourWriteMemoryMs), { accountId, ...p, atMs }];
    },
    noteVault(accountId, credentials) {
      const p = credentials ? toLoginPrint(credentials) : null;
      const g = memory.generations[accountId];
      if (g && g.current?.accessFp === p?.accessFp && g.current?.refreshFp === p?.refreshFp) return;
      const replaced = g?.current && g.current.refreshFp !== p?.refreshFp ? [g.current.refreshFp] : [];
      const retired = [...(g?.retired ?? []), ...replaced].filter((fp) => fp !== p?.refreshFp).slice(-MAX_RETIRED);
      memory.generations[accountId] = { current: p, sinceMs: clock.now(), retired };
      save();
    },
    retiredOwner(refreshToken) {
      const fp = fingerprint(refreshToken);
      return generations().find((g) => g.current?.refreshFp !== fp && g.retiredRefreshFps.includes(fp))?.accountId ?? null;
    },
    observe(next) {
      const previous = last;
      if (previous === null) {
        last = next;
        return null;
      }
      ourWrites = ourWrites.filter((w) => next.seenAtMs - w.atMs < ourWriteMemoryMs);
      const a = classify(previous, next, ourWrites, generations());
      // `/login` writes the tokens and the identity block one after the other: give the block one more look.
      const identityLags = a?.kind === 'unknown-writer' && a.reason === 'identity-not-updated';
      if (identityLags && !sameLogin(awaitingIdentity, next.login)) {
        awaitingIdentity = next.login;
        return null;
      }
      awaitingIdentity = null;
      last = next;
      if (a) record(a, previous.login, next.login, next.seenAtMs);
      return a;
    },
    isNew: (login) => last === null || !sameLogin(last.login, login),
    lastAccountId: () => last?.accountId ?? null,
    viewOf: (accountId) => memory.lastChanges[accountId] ?? null,
  };
}
