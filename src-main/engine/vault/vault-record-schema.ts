/** The zod schema a stored {@link VaultRecord} must pass when read back (stored values are untrusted). */
import { z } from 'zod';
import type { VaultRecord } from './credentials.js';

const OAuthCredentialsSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAtMs: z.number(),
  scopes: z.array(z.string()),
  subscriptionType: z.string().nullable(),
  rateLimitTier: z.string().nullable(),
});

export const VaultRecordSchema = z.object({
  version: z.literal(1),
  credentials: OAuthCredentialsSchema,
  refreshedAtMs: z.number().nullable(),
  refreshPath: z.enum(['auto', 'claude', 'login']).nullable(),
  needsLogin: z.boolean(),
});

// Compile-time check that the schema and the hand-written interface agree both ways.
type Parsed = z.infer<typeof VaultRecordSchema>;
const _schemaMatchesRecord: (r: Parsed) => VaultRecord = (r) => r;
const _recordMatchesSchema: (r: VaultRecord) => Parsed = (r) => ({
  ...r,
  credentials: { ...r.credentials, scopes: [...r.credentials.scopes] },
});
void _schemaMatchesRecord;
void _recordMatchesSchema;
