/**
 * The hub ↔ agent protocol (several machines, one fleet): versioned JSON text frames over one
 * authenticated WebSocket at `/agent`. The hub sends the login a machine must hold (`login`, with a
 * per-account generation number) — an access token only, never a refresh token: the schema of an
 * agent-bound login has no such field and refuses a frame that carries one. The agent writes it
 * where Claude Code reads it, verifies the write and acknowledges (`ack`), and sends first any full
 * login (with a refresh token) found in its machine's store (`harvest`), which the hub confirms
 * (`harvested`) before the agent may write over it. Logins cross the wire only inside this
 * channel; nothing here is ever logged.
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

/**
 * What the hub sends an agent: what Claude Code needs to make requests (access token, expiry,
 * scopes, subscription type, rate-limit tier) and nothing it could refresh with. Strict: a frame
 * whose login carries any other key — a `refreshToken` above all — is refused whole.
 */
const agentLogin = z.strictObject({
  accessToken: z.string().min(1).max(8192),
  expiresAtMs: z.number().finite(),
  scopes: z.array(z.string().max(256)).max(64),
  subscriptionType: z.string().max(64).nullable(),
  rateLimitTier: z.string().max(128).nullable(),
});
export type AgentLogin = z.infer<typeof agentLogin>;

/** A full login an agent found in its machine's store (Claude Code refreshed it, or a `/login` there): it goes to the hub's vault. */
const harvestedLogin = agentLogin.extend({ refreshToken: z.string().min(1).max(8192) });
export type WireLogin = z.infer<typeof harvestedLogin>;

/** The agent-bound part of a login: everything but the refresh token. */
export function toAgentLogin(login: Omit<AgentLogin, 'scopes'> & { readonly scopes: readonly string[] }): AgentLogin {
  return {
    accessToken: login.accessToken,
    expiresAtMs: login.expiresAtMs,
    scopes: [...login.scopes],
    subscriptionType: login.subscriptionType,
    rateLimitTier: login.rateLimitTier,
  };
}

const identity = z.object({
  accountUuid: z.string().min(1).max(128),
  emailAddress: z.string().max(320),
  organizationUuid: z.string().max(128).nullable(),
  displayName: z.string().max(256).nullable(),
});
export type WireIdentity = z.infer<typeof identity>;

/** When the access token a machine holds expires (epoch ms); null when unknown (an older agent). */
const heldExpiresAtMs = z.number().finite().nullable().default(null);

/** What a machine holds: the account, the generation, the access token's fingerprint and expiry. */
const held = z.object({
  accountId: z.string().min(1).max(128),
  generation: z.number().int().nonnegative(),
  fingerprint: z.string().max(16),
  expiresAtMs: heldExpiresAtMs,
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
  /**
   * A full login found in this machine's store (its Claude Code refreshed, or someone ran `/login`
   * there); `accountId` is the one the machine was assigned (the hub identifies the login itself).
   */
  z.object({
    v,
    type: z.literal('harvest'),
    accountId: z.string().min(1).max(128),
    generation: z.number().int().nonnegative(),
    login: harvestedLogin,
  }),
  z.object({
    v,
    type: z.literal('ack'),
    accountId: z.string().min(1).max(128),
    generation: z.number().int().nonnegative(),
    fingerprint: z.string().max(16),
    expiresAtMs: heldExpiresAtMs,
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
    login: agentLogin,
    identity: identity.nullable(),
  }),
  /**
   * The hub's answer to a `harvest`: `refreshFingerprint` names the login; `stored` (it is in the
   * vault now) and `kept-newer` (the vault holds a newer one) mean the agent may write over it,
   * `refused` (the hub could not take it) means it must not.
   */
  z.object({
    v,
    type: z.literal('harvested'),
    refreshFingerprint: z.string().max(16),
    outcome: z.enum(['stored', 'kept-newer', 'refused']),
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
