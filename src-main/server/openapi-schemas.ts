/**
 * JSON Schemas (OpenAPI 3.1 / draft 2020-12) of every response body. Object schemas are built with
 * {@link objectOf}, whose parameter is keyed by the TypeScript type, so a field added to or removed
 * from `view-model.ts` or `engine-types.ts` fails the typecheck here until the document follows.
 * Request bodies and settings come from their zod schemas, so they cannot drift either.
 */
import { z } from 'zod';
import { type AccountSummary, type EngineEvent, EVENT_KINDS, SettingsSchema } from '../engine/index.js';
import type {
  AccountRow,
  AccountStatus,
  CustodyView,
  ExtraWindowView,
  FleetSnapshot,
  GuardHoldView,
  LastSwitchView,
  NextInLine,
  PendingSwitchView,
  RotationView,
  SessionOwnerGuardView,
  SettingsView,
  TokenView,
  UsageWindowView,
  VaultView,
} from '../shared/view-model.js';
import { CUSTODY_KINDS } from '../shared/custody-view.js';
import { AccountPatchBodySchema, AddAccountBodySchema, RefreshBodySchema, SettingsPatchSchema, type HealthBody } from './api-schemas.js';

export type JsonSchema = { readonly [key: string]: unknown };

/** A closed object schema whose properties are exactly the keys of `T`; `optional` keys are not required. */
export function objectOf<T>(
  properties: { readonly [K in keyof Required<T>]: JsonSchema },
  options: { readonly optional?: readonly (keyof T & string)[]; readonly description?: string } = {},
): JsonSchema {
  const optional = new Set<string>(options.optional ?? []);
  return {
    type: 'object',
    ...(options.description ? { description: options.description } : {}),
    required: Object.keys(properties).filter((k) => !optional.has(k)),
    properties,
    additionalProperties: false,
  };
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const str: JsonSchema = { type: 'string' };
const bool: JsonSchema = { type: 'boolean' };
const num: JsonSchema = { type: 'number' };
const int: JsonSchema = { type: 'integer' };
const ms = (description: string): JsonSchema => ({ type: 'integer', description: `${description} (epoch ms)` });
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const oneOfStrings = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: values });
const constant = (value: string): JsonSchema => ({ const: value });
const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });

/** A zod schema as a component (the `$schema` key dropped: OpenAPI 3.1 sets the dialect). */
export function fromZod(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

const usageWindow = objectOf<UsageWindowView>({
  utilizationPct: nullable(num),
  resetsAtMs: nullable(ms('When the window resets')),
});

const accountStatus: JsonSchema = {
  description: 'What is wrong with an account, as a value; `statusText` says it in words.',
  oneOf: [
    objectOf<Extract<AccountStatus, { kind: 'ok' }>>({ kind: constant('ok') }),
    objectOf<Extract<AccountStatus, { kind: 'rate-limited' }>>({ kind: constant('rate-limited'), retryAtMs: ms('When polling resumes') }),
    objectOf<Extract<AccountStatus, { kind: 'network-error' }>>({ kind: constant('network-error'), message: str }),
    objectOf<Extract<AccountStatus, { kind: 'unauthorized' }>>({ kind: constant('unauthorized') }),
    objectOf<Extract<AccountStatus, { kind: 'bad-response' }>>({ kind: constant('bad-response'), message: str }),
    objectOf<Extract<AccountStatus, { kind: 'needs-login' }>>({ kind: constant('needs-login') }),
    objectOf<Extract<AccountStatus, { kind: 'disabled' }>>({ kind: constant('disabled') }),
    objectOf<Extract<AccountStatus, { kind: 'pending' }>>({ kind: constant('pending') }),
  ],
};

const accountRow = objectOf<AccountRow>(
  {
    id: { type: 'string', description: 'The account uuid: the stable identity.' },
    email: str,
    label: nullable(str),
    displayName: nullable(str),
    plan: nullable({ type: 'string', description: '`Max 20x`, `Max 5x`, `Pro`.' }),
    enabled: bool,
    active: { type: 'boolean', description: 'Claude Code holds this login now (▶).' },
    order: { type: 'integer', minimum: 0, description: 'Position in the rotation order.' },
    orderGroup: oneOfStrings(['usable', 'exhausted', 'unusable']),
    sevenDay: ref('UsageWindowView'),
    fiveHour: ref('UsageWindowView'),
    extraWindows: arrayOf(ref('ExtraWindowView')),
    usageSource: nullable(oneOfStrings(['poll', 'statusline', 'demo'])),
    usageReadAtMs: nullable(ms('When the figures were read')),
    stale: { type: 'boolean', description: 'The last good reading is older than two poll intervals.' },
    token: ref('TokenView'),
    status: ref('AccountStatus'),
    statusText: str,
    lastPollAtMs: nullable(ms('Last poll')),
    nextPollAtMs: nullable(ms('Next poll')),
    custody: { ...nullable(ref('CustodyView')), description: 'The last change of Claude Code’s stored login involving this account.' },
  },
  { description: 'One account as the fleet table shows it. Never contains a token, only its fingerprint.' },
);

const settingsView = objectOf<SettingsView>(
  {
    fiveHourThresholdPct: num,
    hysteresisPct: num,
    activePollIntervalMs: int,
    parkedPollIntervalMs: int,
    minDwellMs: int,
    deferralMode: oneOfStrings(['tool', 'turn', 'never']),
    notifications: bool,
    launchAtLogin: bool,
    listenHost: str,
    listenPort: int,
  },
  { optional: ['launchAtLogin', 'listenHost', 'listenPort'] },
);

const fleetSnapshot = objectOf<FleetSnapshot>(
  {
    product: constant('ccmax-monitor'),
    version: str,
    demo: { type: 'boolean', description: 'True when running against the built-in simulated fleet.' },
    generatedAtMs: ms('When this snapshot was made'),
    vault: ref('VaultView'),
    accounts: { ...arrayOf(ref('AccountRow')), description: 'Accounts in rotation order.' },
    activeAccountId: nullable(str),
    activeMatchedBy: nullable(oneOfStrings(['access-token', 'refresh-token', 'oauth-account'])),
    lastPollAtMs: nullable(ms('Last usage poll')),
    nextRefreshAtMs: nullable(ms('Next usage poll')),
    nextTokenRefreshAtMs: nullable(ms('Next token refresh')),
    lastSwitch: nullable(ref('LastSwitchView')),
    paused: bool,
    nextInLine: nullable(ref('NextInLine')),
    rotation: ref('RotationView'),
    sessions: arrayOf(ref('SessionView')),
    activeSessionCount: int,
    settings: ref('SettingsView'),
    sessionOwnerGuard: ref('SessionOwnerGuardView'),
    machines: arrayOf(ref('MachineView')),
  },
  { optional: ['rotation', 'machines'], description: 'The secret-free fleet snapshot the dashboard renders (shared/view-model.ts).' },
);

const scalar: JsonSchema = { type: ['string', 'number', 'boolean', 'null'] };

/** Every named schema in `components.schemas`. */
export const COMPONENT_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  Error: objectOf<{ error: { code: string; message: string } }>({
    error: objectOf<{ code: string; message: string }>({
      code: { type: 'string', description: 'A stable machine-readable code, e.g. `not-found`.' },
      message: { type: 'string', description: 'A sentence a user can act on.' },
    }),
  }),
  Health: objectOf<HealthBody>({
    ok: { const: true },
    product: constant('ccmax-monitor'),
    version: str,
    demo: bool,
    uptimeMs: { type: 'integer', minimum: 0 },
    accounts: { type: 'integer', minimum: 0, description: 'Number of accounts.' },
  }),
  Accepted: objectOf<{ ok: true }>({ ok: { const: true } }),
  FleetSnapshot: fleetSnapshot,
  AccountRow: accountRow,
  UsageWindowView: usageWindow,
  ExtraWindowView: objectOf<ExtraWindowView>({
    name: str,
    utilizationPct: nullable(num),
    resetsAtMs: nullable(ms('When the window resets')),
  }),
  TokenView: objectOf<TokenView>({
    fingerprint: { type: 'string', description: 'First 8 hex characters of the SHA-256 of the access token.' },
    health: oneOfStrings(['healthy', 'expiring', 'refreshing', 'expired-exhausted', 'needs-login']),
    expiresAtMs: nullable(ms('Access token expiry')),
    refreshedAtMs: nullable(ms('Last freshened')),
    refreshPath: nullable(oneOfStrings(['auto', 'claude', 'login'])),
  }),
  AccountStatus: accountStatus,
  CustodyView: objectOf<CustodyView>(
    {
      kind: oneOfStrings(CUSTODY_KINDS),
      atMs: ms('When the change was seen'),
      text: str,
      accessFp: nullable({ type: 'string', description: 'Fingerprint of the access token written.' }),
      refreshFp: nullable({ type: 'string', description: 'Fingerprint of the refresh token written.' }),
      foreign: { type: 'boolean', description: 'Written by another tool (not ccmax-monitor, Claude Code or a /login).' },
    },
    { description: 'Who changed Claude Code’s stored login last (custody ledger). Fingerprints only.' },
  ),
  VaultView: objectOf<VaultView>({ kind: oneOfStrings(['keychain', 'file']), location: str }),
  NextInLine: objectOf<NextInLine>(
    { accountId: str, reason: oneOfStrings(['pending-switch', 'rotation-order']) },
    { description: 'The account rotation would move to next; the tray and the dashboard both show this one.' },
  ),
  LastSwitchView: objectOf<LastSwitchView>({ atMs: ms('Switch time'), trigger: str, fromId: nullable(str), toId: str }),
  RotationView: objectOf<RotationView>({
    pinnedAccountId: nullable(str),
    pendingSwitch: nullable(
      objectOf<PendingSwitchView>({
        toId: str,
        trigger: str,
        sinceMs: ms('When the deferral began'),
        blockedBySessionId: nullable(str),
        blockedByTool: nullable(str),
      }),
    ),
    allExhausted: nullable(
      objectOf<{ nextAvailableAtMs: number | null; nextAccountId: string | null }>({
        nextAvailableAtMs: nullable(ms('When the first account comes back')),
        nextAccountId: nullable(str),
      }),
    ),
    lastDecision: nullable(str),
    guardHold: nullable(
      objectOf<GuardHoldView>(
        {
          toId: str,
          trigger: str,
          sinceMs: ms('When the hold began'),
          sessionCount: { type: 'integer', minimum: 0, description: 'Live sessions the switch would interrupt.' },
        },
        { description: 'A switch held because the session-owner guard is on and interactive sessions run.' },
      ),
    ),
  }),
  SessionOwnerGuardView: objectOf<SessionOwnerGuardView>(
    {
      on: {
        type: 'boolean',
        description: 'True when the flag is on in any known config: switches wait until no interactive session is alive, or "switch now".',
      },
      configs: arrayOf(
        objectOf<SessionOwnerGuardView['configs'][number]>({ path: str, state: oneOfStrings(['on', 'off', 'unset', 'unreadable']) }),
      ),
    },
    { description: "Claude Code's session-owner guard (flag `tengu_ticklish_moon`, CLI 2.1.331+), read from every known `.claude.json`." },
  ),
  SettingsView: settingsView,
  EngineEvent: objectOf<EngineEvent>(
    {
      atMs: ms('When it happened'),
      kind: oneOfStrings(EVENT_KINDS),
      level: oneOfStrings(['info', 'warn', 'error']),
      message: str,
      accountId: str,
      data: { type: 'object', additionalProperties: scalar },
    },
    { optional: ['accountId', 'data'] },
  ),
  EventList: objectOf<{ events: unknown }>({ events: arrayOf(ref('EngineEvent')) }),
  AccountSummary: objectOf<AccountSummary>(
    {
      id: str,
      email: str,
      label: nullable(str),
      enabled: bool,
      plan: nullable(str),
      outcome: oneOfStrings(['added', 'updated', 'kept-newer']),
    },
    { optional: ['outcome'] },
  ),
  AccountList: objectOf<{ accounts: unknown }>({ accounts: arrayOf(ref('AccountSummary')) }),
  AccountReply: objectOf<{ account: unknown }>({ account: ref('AccountSummary') }),
  Settings: fromZod(SettingsSchema, 'output'),
  SettingsPatch: fromZod(SettingsPatchSchema, 'input'),
  RefreshRequest: fromZod(RefreshBodySchema, 'input'),
  AddAccountRequest: fromZod(AddAccountBodySchema, 'input'),
  AccountPatch: fromZod(AccountPatchBodySchema, 'input'),
};
