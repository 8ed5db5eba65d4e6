/** Live Claude Code sessions: heartbeat protocol, server and registry (PRODUCT §5). */
export { createSessionRegistry } from './session-registry.js';
export type { SessionRegistry, SessionRegistryOptions, StatuslineReading, ApplyOutcome } from './session-registry.js';
export { isBlocking } from './session-states.js';
export type { SessionStates, BlockingSession, DeferralMode, SessionTransition, TransitionCause } from './session-states.js';
export { createHeartbeatCore } from './heartbeat-core.js';
export type { HeartbeatCore, HeartbeatCoreOptions, CoreSocket, ConnectionContext } from './heartbeat-core.js';
export { createHeartbeatListener } from './heartbeat-listener.js';
export type { HeartbeatListener, HeartbeatListenerOptions } from './heartbeat-listener.js';
export { CloseCode, HEARTBEAT_PATH, PROTOCOL_VERSION } from './protocol-types.js';
export type { ActiveSummary, ClientMessage, AckMessage } from './protocol-types.js';
export { parseClientMessage } from './protocol-schema.js';
