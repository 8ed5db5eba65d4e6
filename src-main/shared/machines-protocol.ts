/**
 * The hub ↔ agent protocol (several machines, one fleet): versioned JSON text frames over one
 * authenticated WebSocket at `/agent`. The hub sends the login a machine must hold (`login`, with a
 * per-account generation number); the agent writes it where Claude Code reads it, verifies the
 * write and acknowledges (`ack`), and sends first any login its own Claude Code refreshed
 * (`harvest`). Logins cross the wire only inside this channel; nothing here is ever logged.
 */
import { z } from 'zod';
import { err, ok, type Result } from './result.js';

export const AGENT_PROTOCOL_VERSION = 1 as const;

/** The HTTP path the agent WebSocket is mounted on. */
export const AGENT_PATH = '/agent';

/** The longest heartbeat frame an agent relays, in characters (the heartbeat socket caps frames at 16 KiB). */
export const RELAY_FRAME_MAX_CHARS = 16 * 1024;

/** Close codes on `/agent` (4000–4999 are ours, mirroring HTTP statuses). */
export const AgentCloseCode = {
  /** A frame we do not accept. */
  BadMessage: 4400,
  /** No token, or the wrong one. */
  Unauthorized: 4401,
  /** Host/Origin refused, or this machine was revoked on the hub. */
  Forbidden: 4403,
  /** Another connection took over this machine id. */
  Replaced: 4409,
} as const;

const wireLogin = z.object({
  accessToken: z.string().min(1).max(8192),
  refreshToken: z.string().max(8192),
  expiresAtMs: z.number().finite(),
  scopes: z.array(z.string().max(256)).max(64),
  subscriptionType: z.string().max(64).nullable(),
  rateLimitTier: z.string().max(128).nullable(),
});
export type WireLogin = z.infer<typeof wireLogin>;

const identity = z.object({
  accountUuid: z.string().min(1).max(128),
  emailAddress: z.string().max(320),
  organizationUuid: z.string().max(128).nullable(),
  displayName: z.string().max(256).nullable(),
});
export type WireIdentity = z.infer<typeof identity>;

/** What a machine holds: the account, the generation and the access token's fingerprint. */
const held = z.object({
  accountId: z.string().min(1).max(128),
  generation: z.number().int().nonnegative(),
  fingerprint: z.string().max(16),
});
export type HeldLogin = z.infer<typeof held>;

/**
 * Relayed hook traffic: the machine's hooks and statusline talk to the agent on loopback, which
 * forwards each heartbeat frame on a numbered channel (one per local connection; the first frame
 * opens it on the hub) and relays the hub's acknowledgements back.
 */
const channel = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** A heartbeat frame as its client sent it (the hub's heartbeat core validates it). */
const relayedFrame = z.string().min(1).max(RELAY_FRAME_MAX_CHARS);

const v = z.literal(AGENT_PROTOCOL_VERSION);
const AgentMessageSchema = z.discriminatedUnion('type', [
  z.object({
    v,
    type: z.literal('hello'),
    machineId: z.string().min(8).max(64),
    host: z.string().min(1).max(255),
    agentVersion: z.string().max(64),
    held: held.nullable(),
  }),
  /** A login this machine's Claude Code refreshed on its own; `accountId` is the one it was assigned. */
  z.object({
    v,
    type: z.literal('harvest'),
    accountId: z.string().min(1).max(128),
    generation: z.number().int().nonnegative(),
    login: wireLogin,
  }),
  z.object({
    v,
    type: z.literal('ack'),
    accountId: z.string().min(1).max(128),
    generation: z.number().int().nonnegative(),
    fingerprint: z.string().max(16),
  }),
  z.object({
    v,
    type: z.literal('refused'),
    accountId: z.string().max(128),
    generation: z.number().int().nonnegative(),
    reason: z.string().max(500),
  }),
  z.object({ v, type: z.literal('relay'), channel, frame: relayedFrame }),
  /** The local hook connection closed. */
  z.object({ v, type: z.literal('relay-close'), channel }),
]);
export type AgentMessage = z.infer<typeof AgentMessageSchema>;

const HubMessageSchema = z.discriminatedUnion('type', [
  z.object({ v, type: z.literal('welcome'), hubVersion: z.string().max(64) }),
  z.object({
    v,
    type: z.literal('login'),
    accountId: z.string().min(1).max(128),
    generation: z.number().int().positive(),
    login: wireLogin,
    identity: identity.nullable(),
  }),
  z.object({ v, type: z.literal('relay'), channel, frame: relayedFrame }),
  /** The hub closed that channel (the heartbeat protocol's close code and reason). */
  z.object({ v, type: z.literal('relay-close'), channel, code: z.number().int().min(1000).max(4999), reason: z.string().max(123) }),
]);
export type HubMessage = z.infer<typeof HubMessageSchema>;

function parseWith<T>(schema: z.ZodType<T>, frame: string): Result<T, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(frame);
  } catch {
    return err('not JSON');
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  return err(`invalid ${issue ? issue.path.join('.') || 'message' : 'message'}`.slice(0, 120));
}

/** Parses a frame from an agent; never throws; the error never quotes the frame. */
export const parseAgentMessage = (frame: string): Result<AgentMessage, string> => parseWith(AgentMessageSchema, frame);
/** Parses a frame from the hub; never throws; the error never quotes the frame. */
export const parseHubMessage = (frame: string): Result<HubMessage, string> => parseWith(HubMessageSchema, frame);
