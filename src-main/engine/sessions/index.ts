/**
 * Live Claude Code sessions: the transport-free heartbeat protocol core and the registry (PRODUCT §5).
 * Its messages are in `shared/heartbeat-protocol.ts` (the hook client imports them); the WebSocket adapter is `server/heartbeat-socket.ts`.
 */
export { createSessionRegistry } from './session-registry.js';
export type { SessionRegistry, SessionRegistryOptions, StatuslineReading, ApplyOutcome } from './session-registry.js';
export { isBlocking } from './session-states.js';
export type { SessionStates, BlockingSession, DeferralMode, SessionTransition, TransitionCause } from './session-states.js';
export { createHeartbeatCore } from './heartbeat-core.js';
export type { HeartbeatCore, HeartbeatCoreOptions, CoreSocket, ConnectionContext } from './heartbeat-core.js';
