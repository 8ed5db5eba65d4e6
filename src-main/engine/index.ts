/**
 * The engine's only door: everything the host, the server, the shell, the CLI and the demo use of the
 * engine is exported here, and nothing outside src-main/engine imports a deeper path (lint-enforced:
 * eslint.config.js, test/architecture/). To offer something new, export it here.
 */
export { findAccountByRef } from './accounts/find-account.js';
export { createAnthropicClient } from './anthropic/anthropic-client.js';
export { OAUTH_BETA, OAUTH_CLIENT_ID, OAUTH_REFRESH_SCOPE, PROFILE_PATH, USAGE_PATH, resolveEndpoints } from './anthropic/endpoints.js';
export { planFromProfile } from './anthropic/parse-profile.js';
export { createActiveAccountCell } from './claude-code/active-account.js';
export { resolveClaudePaths } from './claude-code/claude-paths.js';
export { readClaudeCredentials } from './claude-code/claude-store.js';
export type { ClaudePaths } from './claude-code/claude-store.js';
export { isOurTempFile } from './claude-code/credential-targets/replace-file.js';
export { heartbeatCommands, installHooks, readHooksStatus, uninstallHooks } from './claude-code/hooks-installer.js';
export type { ChangeReport, HooksStatus } from './claude-code/hooks-installer.js';
export { createCommandHandlers } from './command-handlers.js';
export { createEngine } from './create-engine.js';
export type { SessionSource } from './create-engine.js';
export type { AccountOpError, AccountSummary, AccountsApi, Engine, EventQuery } from './engine-types.js';
export { createEventLog } from './events/event-log.js';
export type { FileEventLog } from './events/event-log.js';
export { EVENT_KINDS } from './events/event-types.js';
export type { EngineEvent, EventKind, EventLog } from './events/event-types.js';
export { connectHistoryFeed } from './history/history-feed.js';
export { createHistoryStore } from './history/history-store.js';
export type { HistoryReader, HistoryRecorder, HistoryStore } from './history/history-types.js';
export { HISTORY_FILE, openHistoryDb } from './history/open-history-db.js';
export { silentLogger, systemClock } from './ports.js';
export type { Clock, FetchFn, Logger, Notifier, TimerHandle } from './ports.js';
export { createHeartbeatCore } from './sessions/heartbeat-core.js';
export type { HeartbeatCore } from './sessions/heartbeat-core.js';
export { createSessionRegistry } from './sessions/session-registry.js';
export type { SessionRegistry } from './sessions/session-registry.js';
export { isAtomicTempName, removeStaleTemps, writeFileAtomic } from './storage/atomic-file.js';
export { SettingsSchema } from './storage/state-schema.js';
export type { Settings } from './storage/state-schema.js';
export { createStateStore, createUsageCacheStore } from './storage/state-store.js';
export type { StoreAdapterFactory } from './storage/state-store.js';
export type { StoreOpenReport } from './storage/store-port.js';
export { createSecretStore, vaultKindFromEnv } from './vault/create-secret-store.js';
export type { VaultKind } from './vault/create-secret-store.js';
export { fingerprint } from './vault/credentials.js';
export type { OAuthCredentials } from './vault/credentials.js';
export { createFileSecretStore } from './vault/file-secret-store.js';
export { createLoginFallback } from './vault/login-fallback.js';
export { redactSecrets } from './vault/redact.js';
export { createVault } from './vault/vault.js';
export { PRODUCT_VERSION, USER_AGENT } from './version.js';
export type { CredentialTarget, IdentityTarget } from './claude-code/credential-targets/credential-target.js';
export { toClaudeAiOauth } from './claude-code/credential-targets/credentials-json.js';
export { defaultCredentialTarget, defaultIdentityTarget } from './claude-code/credential-targets/default-targets.js';
export type { EventSink } from './ports.js';
export { readJsonFileSync } from './storage/atomic-file.js';
