/**
 * The composition of the engine from its ports: accounts, vault, usage poller, token keeper,
 * active-account tracker, fleet snapshot and event log. Shared by the headless server, the CLI and
 * the desktop shell; it never imports Electron.
 */
import { err, ok } from '../shared/result.js';
import type { FleetSnapshot } from '../shared/view-model.js';
import { createAccountService } from './accounts/account-service.js';
import { planFromProfile } from './anthropic/parse-profile.js';
import type { AnthropicClient } from './anthropic/api-types.js';
import { createActiveTracker } from './claude-code/active-tracker.js';
import {
  parseClaudeCredentials,
  readClaudeCredentials,
  type ClaudePaths,
  type ReadCredentialsOptions,
} from './claude-code/claude-store.js';
import type { Engine } from './engine-types.js';
import { createEngineEvents } from './engine-events.js';
import type { EventLog } from './events/event-types.js';
import type { PollFailure } from './fleet/account-status.js';
import { toFleetSnapshot } from './fleet/build-snapshot.js';
import { pollFailureText } from './fleet/poll-failure-text.js';
import { createSnapshotPublisher } from './fleet/snapshot-publisher.js';
import { toEffectiveWindow } from './usage/effective-window.js';
import { defaultCredentialTarget, defaultIdentityTarget } from './claude-code/credential-targets/default-targets.js';
import type { CredentialTarget, IdentityTarget } from './claude-code/credential-targets/credential-target.js';
import { createRotationLoop } from './rotation/rotation-loop.js';
import { toPolicyAccounts } from './rotation/policy-accounts.js';
import type { SessionStates } from './sessions/session-states.js';
import type { StatuslineReading } from './sessions/session-registry.js';
import { createStatuslineIntake } from './sessions/statusline-intake.js';
import type { SessionView } from '../shared/view-model.js';
import { createSwitcher } from './switching/switcher.js';
import type { Clock, Logger, RandomFn } from './ports.js';
import { SettingsSchema, type Settings, type UsageCacheEntry } from './storage/state-schema.js';
import type { StateStore, UsageCacheStore } from './storage/store-port.js';
import { createTokenKeeper } from './tokens/token-keeper.js';
import { MIN_REFRESH_INTERVAL_MS } from './tokens/refresh-plan.js';
import { judgeReading } from './usage/reading-freshness.js';
import { createUsagePoller } from './usage/usage-poller.js';
import type { VaultRecord } from './vault/credentials.js';
import { recoverFallbackLogins, type LoginFallback } from './vault/login-fallback.js';
import type { Vault } from './vault/vault-types.js';

export interface EngineDeps {
  readonly clock: Clock;
  readonly random: RandomFn;
  readonly logger: Logger;
  readonly client: AnthropicClient;
  readonly vault: Vault;
  readonly store: StateStore;
  readonly usageCache: UsageCacheStore;
  readonly eventLog: EventLog;
  readonly claudePaths: ClaudePaths;
  readonly claudeReadOptions: ReadCredentialsOptions;
  readonly version: string;
  readonly demo: boolean;
  /** How often Claude Code's store is checked for the active account and refreshed logins. Default 10 s. */
  readonly detectEveryMs?: number;
  /** Where a switch writes the login; default by platform (credentials file, or the macOS keychain item). */
  readonly credentialsTarget?: CredentialTarget;
  /** Where a refreshed login goes when the vault refuses it; recovered into the vault at load. */
  readonly loginFallback?: LoginFallback;
  /** Where a switch writes the identity block; default `oauthAccount` in Claude Code's `.claude.json`. */
  readonly identityTarget?: IdentityTarget | null;
  /** Live Claude Code sessions (deferral, the sessions panel, statusline readings); null: none are tracked. */
  readonly sessions?: SessionSource | null;
  /** Re-decide rotation at least this often; default 30 s. */
  readonly rotationTickMs?: number;
}

/** What the engine needs from the live-session registry (`createSessionRegistry` satisfies it). */
export interface SessionSource extends SessionStates {
  sessions(): readonly SessionView[];
  activeSessionCount(): number;
  subscribe(onChange: () => void): () => void;
  onStatusline(listener: (reading: StatuslineReading) => void): () => void;
}

/** Creates the engine. Nothing runs until `start()`. */
export function createEngine(deps: EngineDeps): Engine {
  const { clock, logger, vault } = deps;
  const detectEveryMs = deps.detectEveryMs ?? 10_000;
  const records = new Map<string, VaultRecord | null>();
  const usage = new Map<string, UsageCacheEntry>(Object.entries(deps.usageCache.read().entries));
  const failures = new Map<string, PollFailure>();
  const events = createEngineEvents({ clock, sink: deps.eventLog });
  let started = false;
  let detectTimer: ReturnType<Clock['setTimeout']> | null = null;
  const unsubscribers: (() => void)[] = [];
  /** Accounts whose refreshed login is held only in memory (vault and fallback refused it). */
  let atRisk = new Set<string>();

  const settings = (): Settings => deps.store.read().settings;
  const metas = () => deps.store.read().accounts;
  const metaOf = (id: string) => metas().find((m) => m.id === id);
  const recordOf = (id: string): VaultRecord | null => keeper.pendingRecord(id) ?? records.get(id) ?? null;
  const activeId = (): string | null => tracker.current()?.accountId ?? null;
  const sevenDayOf = (id: string) => toEffectiveWindow(usage.get(id)?.sevenDay ?? null, clock.now());

  async function loadRecord(id: string): Promise<void> {
    const read = await vault.read(id);
    if (read.ok) {
      records.set(id, read.value);
      return;
    }
    records.set(id, null);
    events.emit('vault-error', 'error', `Could not read the stored login of ${metaOf(id)?.email ?? id}: ${read.error.message}`, id);
  }

  const poller = createUsagePoller({
    clock,
    random: deps.random,
    client: deps.client,
    logger,
    getAccessToken: async (id) => recordOf(id)?.credentials.accessToken ?? null,
    accounts: () =>
      metas().map((m) => {
        const record = recordOf(m.id);
        return {
          id: m.id,
          enabled: m.enabled,
          active: m.id === activeId(),
          pollable: record !== null && !record.needsLogin && record.credentials.expiresAtMs > clock.now(),
          lastReadAtMs: usage.get(m.id)?.readAtMs ?? null,
        };
      }),
    settings,
    onReading(id, reading, atMs) {
      if (failures.has(id)) events.emit('usage-polled', 'info', `Polling ${metaOf(id)?.email ?? id} works again.`, id);
      applyReading(id, {
        fiveHour: reading.fiveHour,
        sevenDay: reading.sevenDay,
        extra: { ...reading.extra },
        readAtMs: atMs,
        figuresAtMs: atMs,
        source: 'poll',
      });
    },
    onFailure(id, error, atMs) {
      const previous = failures.get(id);
      failures.set(id, { error, atMs });
      if (previous?.error.kind !== error.kind) {
        events.emit('poll-failed', error.kind === 'rate-limited' ? 'warn' : 'error', pollFailureText(metaOf(id)?.email ?? id, error), id, {
          reason: error.kind,
          ...(error.kind === 'rate-limited' ? { retryAfterMs: error.retryAfterMs } : {}),
        });
      }
      changed();
    },
  });

  const keeper = createTokenKeeper({
    clock,
    client: deps.client,
    vault,
    logger,
    settings,
    isOwnedByClaudeCode: (id) => id === activeId(),
    accounts: () =>
      metas().map((m) => {
        const sevenDay = sevenDayOf(m.id);
        return {
          id: m.id,
          enabled: m.enabled,
          active: m.id === activeId(),
          sevenDayPct: sevenDay?.utilizationPct ?? null,
          sevenDayResetsAtMs: sevenDay?.resetsAtMs ?? null,
        };
      }),
    ...(deps.loginFallback ? { fallback: deps.loginFallback } : {}),
    onUnsaved(id, file) {
      if (file === null) atRisk.add(id);
      const email = metaOf(id)?.email ?? id;
      events.emit(
        'vault-error',
        'error',
        file === null
          ? `The refreshed login of ${email} could not be saved — not to the vault, nor to a fallback file. It is kept in memory and retried; if ccmax-monitor stops first, ${email} needs a new login.`
          : `The refreshed login of ${email} could not be saved to the vault; it was saved to ${file} and the vault write is retried. The next start moves it into the vault.`,
        id,
        { fallbackFile: file },
      );
    },
    onRefreshed(id, record) {
      atRisk.delete(id);
      records.set(id, record);
      poller.tokenChanged(id);
      events.emit('token-refreshed', 'info', `Refreshed the login of ${metaOf(id)?.email ?? id} ahead of expiry.`, id, { path: 'auto' });
      changed();
    },
    onFailed(id, error) {
      const email = metaOf(id)?.email ?? id;
      if (error.kind === 'invalid-grant') {
        void loadRecord(id).then(changed);
        events.emit(
          'login-needed',
          'error',
          `${email} needs a new login: Anthropic rejected its refresh token. Run \`claude /login\` with ${email}, then \`ccmax-monitor accounts import\`.`,
          id,
        );
      } else {
        events.emit('token-refresh-failed', 'warn', `Could not refresh the login of ${email} (${error.kind}); it will be retried.`, id, {
          reason: error.kind,
        });
      }
      changed();
    },
    onImplausibleLifetime(id, lifetimeMs) {
      events.emit(
        'token-lifetime-implausible',
        'warn',
        `The token endpoint gave the login of ${metaOf(id)?.email ?? id} a lifetime of ${Math.round(lifetimeMs / 60_000)} min (or none; about 8 h is normal). Its refreshes are spaced at least ${MIN_REFRESH_INTERVAL_MS / 60_000} min apart.`,
        id,
        { lifetimeMs },
      );
    },
  });

  const tracker = createActiveTracker({
    clock,
    logger,
    events,
    vault,
    client: deps.client,
    paths: deps.claudePaths,
    readOptions: deps.claudeReadOptions,
    accounts: () => metas().map((m) => ({ id: m.id, email: m.email, record: recordOf(m.id) })),
    onHarvested(id, record) {
      records.set(id, record);
      poller.tokenChanged(id);
      keeper.credentialsChanged(id);
    },
  });

  const credentialsTarget = deps.credentialsTarget ?? defaultCredentialTarget(deps.claudeReadOptions.platform, deps.claudePaths, logger);
  const identityTarget = deps.identityTarget === undefined ? defaultIdentityTarget(deps.claudePaths, logger) : deps.identityTarget;

  const switcher = createSwitcher({
    clock,
    logger,
    events,
    credentialsTarget,
    identityTarget,
    keeper,
    recordOf,
    metaOf,
    syncActive: async () => {
      await tracker.check();
    },
    secureOutgoing: (current) => tracker.secure(current),
  });

  const rotation = createRotationLoop({
    clock,
    logger,
    events,
    settings,
    store: deps.store,
    metaOf,
    sessions: deps.sessions ?? null,
    switcher,
    activeId,
    onChanged: () => changed(),
    ...(deps.rotationTickMs !== undefined ? { tickEveryMs: deps.rotationTickMs } : {}),
    accounts: () => toPolicyAccounts(metas(), { recordOf, usageOf: (id) => usage.get(id), failureOf: (id) => failures.get(id) }),
  });

  const accounts = createAccountService({
    clock,
    client: deps.client,
    vault,
    store: deps.store,
    events,
    readClaudeLogin: async () => {
      const login = await readClaudeCredentials(deps.claudePaths, deps.claudeReadOptions);
      return login.ok
        ? ok(login.value.credentials)
        : err({ message: `No login found in Claude Code (${login.error.message}). Log in with \`claude /login\` first.` });
    },
    parseCredentialsJson: (json) => {
      const parsed = parseClaudeCredentials(json);
      return parsed.ok ? parsed : err({ message: parsed.error.message });
    },
    toPlan: (profile, credentials) => planFromProfile(profile, credentials.subscriptionType, credentials.rateLimitTier),
    onChanged(loginChangedIds) {
      void (async () => {
        for (const id of loginChangedIds) {
          await loadRecord(id);
          failures.delete(id);
          poller.tokenChanged(id);
          keeper.credentialsChanged(id);
        }
        for (const id of [...records.keys()]) if (!metaOf(id)) records.delete(id);
        await tracker.check();
        changed();
        // A new or re-imported account is read at once rather than at its first scheduled poll.
        for (const id of loginChangedIds) if (started) void poller.pollNow(id);
      })().catch((e: unknown) => logger.error('account change handling failed', { reason: String(e) }));
    },
  });

  /** Records a good reading (poll or statusline) and lets rotation re-decide on it. */
  function applyReading(id: string, entry: UsageCacheEntry): void {
    failures.delete(id);
    if (ignoreStaleReading(id, entry)) return changed();
    usage.set(id, entry);
    saveUsage();
    rotation.recordSample(id, {
      atMs: entry.readAtMs,
      sevenDayPct: entry.sevenDay?.utilizationPct ?? null,
      fiveHourPct: entry.fiveHour?.utilizationPct ?? null,
    });
    changed();
    void rotation.request(entry.source);
  }

  /** A reading older than the one held (fresh figures win) is dropped: it must not undo a decision. */
  function ignoreStaleReading(id: string, entry: UsageCacheEntry): boolean {
    const freshness = judgeReading(usage.get(id), entry);
    if (freshness.kind === 'fresh') return false;
    logger.debug('ignored a stale usage reading', { accountId: id, source: entry.source, ...freshness });
    return true;
  }

  const recordStatusline = createStatuslineIntake({
    activeId,
    nowMs: () => clock.now(),
    knownSevenDayResetOf: (id) => usage.get(id)?.sevenDay?.resetsAtMs ?? null,
    reportMismatch: (id, reading) =>
      events.emit(
        'session-account-mismatch',
        'warn',
        `Session ${reading.sessionId.slice(0, 8)} on ${reading.host} reports quota figures that belong to another account than ${metaOf(id)?.email ?? id}: it may still be using its old login. Restarting that Claude Code session picks up the current one.`,
        id,
        { sessionId: reading.sessionId },
      ),
    record: (id, reading) => {
      poller.notifyStatuslineReading(id, reading.atMs);
      applyReading(id, {
        fiveHour: reading.fiveHour,
        sevenDay: reading.sevenDay,
        extra: usage.get(id)?.extra ?? {},
        readAtMs: reading.atMs,
        source: 'statusline',
      });
    },
  });

  function saveUsage(): void {
    try {
      deps.usageCache.write({ version: 1, entries: Object.fromEntries(usage) });
    } catch (e) {
      logger.warn('could not save the usage cache', { reason: e instanceof Error ? e.message : String(e) });
    }
  }

  function snapshot(): FleetSnapshot {
    const nowMs = clock.now();
    const schedule = new Map(poller.schedule().map((s) => [s.accountId, s]));
    const refreshing = keeper.refreshingIds();
    const active = tracker.current();
    return toFleetSnapshot({
      version: deps.version,
      demo: deps.demo,
      nowMs,
      vault: { kind: vault.kind, location: vault.location },
      accounts: metas().map((meta) => {
        const s = schedule.get(meta.id);
        return {
          meta,
          record: recordOf(meta.id),
          usage: usage.get(meta.id) ?? null,
          lastFailure: failures.get(meta.id) ?? null,
          rateLimitedUntilMs: s?.backoffReason === 'rate-limited' ? s.backoffUntilMs : null,
          lastPollAtMs: s?.lastPollAtMs ?? null,
          nextPollAtMs: s?.nextPollAtMs ?? null,
          refreshInFlight: refreshing.has(meta.id),
        };
      }),
      activeAccountId: active?.accountId ?? null,
      activeMatchedBy: active?.matchedBy ?? null,
      nextRefreshAtMs: started ? poller.nextPollAtMs() : null,
      nextTokenRefreshAtMs: started ? keeper.nextRefreshAtMs() : null,
      lastSwitch: rotation.lastSwitch(),
      paused: rotation.isPaused(),
      rotation: rotation.view(),
      sessions: deps.sessions?.sessions() ?? [],
      settings: settings(),
    });
  }

  const publisher = createSnapshotPublisher(snapshot, logger);
  function changed(): void {
    publisher.changed();
  }

  function armDetect(): void {
    detectTimer = clock.setTimeout(() => {
      void tracker
        .check()
        .then(() => changed()) // also re-evaluates stale marks and passed resets
        .finally(() => {
          if (started) armDetect();
        });
    }, detectEveryMs);
  }

  /** Moves logins a previous run saved to the fallback place into the vault. */
  async function recoverFallback(fallback: LoginFallback): Promise<void> {
    const { recovered, waiting } = await recoverFallbackLogins(fallback, vault);
    for (const id of recovered) {
      events.emit(
        'token-refreshed',
        'info',
        `Recovered the refreshed login of ${metaOf(id)?.email ?? id} from the fallback file into the vault.`,
        id,
        {
          path: 'recovered',
        },
      );
    }
    for (const id of waiting) {
      events.emit(
        'vault-error',
        'error',
        `A refreshed login of ${metaOf(id)?.email ?? id} waits in a fallback file; the vault still refuses it.`,
        id,
      );
    }
  }

  async function load(): Promise<void> {
    if (deps.loginFallback) await recoverFallback(deps.loginFallback);
    for (const m of metas()) await loadRecord(m.id);
    await tracker.check();
  }

  return {
    load,
    async start() {
      if (started) return;
      await load();
      // The tokens say which account Claude Code uses; an identity block naming another one was left
      // by a switch interrupted between its two writes.
      const found = tracker.current();
      if (found && found.matchedBy !== 'oauth-account') await switcher.repairIdentity(found.accountId);
      started = true;
      poller.start();
      keeper.start();
      rotation.start();
      armDetect();
      if (deps.sessions) {
        const source = deps.sessions;
        unsubscribers.push(
          source.subscribe(() => changed()),
          source.onStatusline((r) => recordStatusline(r)),
        );
      }
      events.emit(
        'engine-started',
        'info',
        `ccmax-monitor ${deps.version} started with ${metas().length} account(s)${deps.demo ? ' (DEMO)' : ''}.`,
      );
      changed();
    },
    async stop() {
      if (!started) return;
      started = false;
      if (detectTimer !== null) clock.clearTimeout(detectTimer);
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      await rotation.stop();
      const [, unsaved] = await Promise.all([poller.stop(), keeper.stop()]);
      atRisk = new Set(unsaved);
      saveUsage();
      events.emit('engine-stopped', 'info', 'ccmax-monitor stopped.');
    },
    loginsAtRisk: () => [...atRisk],
    snapshot,
    subscribe: (listener) => publisher.subscribe(listener),
    switchTo(accountId) {
      const r = rotation.switchTo(accountId);
      changed();
      return r;
    },
    pause() {
      rotation.pause();
    },
    resume() {
      rotation.resume();
    },
    settleRotation: () => rotation.settle(),
    activeAccountId: activeId,
    async refreshNow(accountId) {
      await tracker.check();
      await poller.pollNow(accountId);
      changed();
    },
    accounts,
    events: (query) => deps.eventLog.query(query),
    settings,
    updateSettings(patch) {
      const current = settings();
      const parsed = SettingsSchema.safeParse({ ...current, ...patch });
      if (!parsed.success) {
        return err({
          kind: 'invalid',
          message: parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; '),
        });
      }
      const changedKeys = (Object.keys(parsed.data) as (keyof Settings)[]).filter((k) => parsed.data[k] !== current[k]);
      if (changedKeys.length > 0) {
        deps.store.write({ ...deps.store.read(), settings: parsed.data });
        events.emit(
          'settings-changed',
          'info',
          `Changed ${changedKeys.join(', ')}.`,
          undefined,
          Object.fromEntries(changedKeys.map((k) => [k, parsed.data[k]])),
        );
        changed();
      }
      return ok(parsed.data);
    },
  };
}
