/** WebSocket close codes the server uses; 4000–4999 are ours, mirroring HTTP statuses. */
export const CloseCode = {
  /** The server is shutting down. */
  GoingAway: 1001,
  /** Something failed on our side (e.g. the engine could not produce a snapshot). */
  InternalError: 1011,
  /** The client sent a message we do not accept. */
  BadRequest: 4400,
  /** No or wrong token (normally refused before the upgrade with HTTP 401). */
  Unauthorized: 4401,
  /** A foreign origin or host (normally refused before the upgrade with HTTP 403). */
  Forbidden: 4403,
  /** The client kept sending calls far over its rate limit after being told (`rate-limited` results). */
  TooManyRequests: 4429,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
