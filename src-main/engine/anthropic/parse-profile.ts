/**
 * Parses `GET /api/oauth/profile` (CLAUDE-CODE.md) into a {@link Profile}, and names the plan.
 * Pure; never throws. Only the account uuid and email are required: they are the identity.
 */
import { z } from 'zod';
import { err, ok, type Result } from '../../shared/result.js';
import type { Profile } from './api-types.js';

/** An optional field: a wrong type reads as null instead of failing the whole profile. */
const optString = z.string().nullable().optional().catch(null);
const optBool = z.boolean().nullable().optional().catch(null);

const ProfileSchema = z.object({
  account: z.object({
    uuid: z.string().min(1),
    email: z.string().min(1),
    full_name: optString,
    display_name: optString,
    has_claude_max: optBool,
    has_claude_pro: optBool,
  }),
  organization: z
    .object({
      uuid: optString,
      name: optString,
      organization_type: optString,
      billing_type: optString,
      rate_limit_tier: optString,
    })
    .nullable()
    .optional()
    .catch(null),
});

/** The profile, or a short reason when `account.uuid` or `account.email` is missing. */
export function parseProfile(json: unknown): Result<Profile, string> {
  const parsed = ProfileSchema.safeParse(json);
  if (!parsed.success) return err('profile response lacks account uuid or email');
  const { account, organization } = parsed.data;
  return ok({
    accountUuid: account.uuid,
    email: account.email,
    displayName: account.display_name ?? null,
    fullName: account.full_name ?? null,
    organizationUuid: organization?.uuid ?? null,
    organizationName: organization?.name ?? null,
    rateLimitTier: organization?.rate_limit_tier ?? null,
    hasClaudeMax: account.has_claude_max ?? null,
    hasClaudePro: account.has_claude_pro ?? null,
  });
}

export type PlanName = 'Max 20x' | 'Max 5x' | 'Max' | 'Pro';

/**
 * The plan shown in the Plan column, from a profile or a bare rate-limit tier, plus the
 * credentials' `subscriptionType` (and their `rateLimitTier`, used when the profile names none):
 * tier `…max_20x` → Max 20x, `…max_5x` → Max 5x, otherwise Max (has_claude_max or subscription
 * `max`), Pro (has_claude_pro or subscription `pro`), else null.
 */
export function planFromProfile(
  source: Profile | string | null,
  subscriptionType?: string | null,
  fallbackTier?: string | null,
): PlanName | null {
  const profile = typeof source === 'object' ? source : null;
  const tier = ((typeof source === 'string' ? source : profile?.rateLimitTier) ?? fallbackTier ?? '').toLowerCase();
  const subscription = subscriptionType?.toLowerCase() ?? null;
  if (tier.includes('max_20x')) return 'Max 20x';
  if (tier.includes('max_5x')) return 'Max 5x';
  if (profile?.hasClaudeMax === true || subscription === 'max') return 'Max';
  if (profile?.hasClaudePro === true || subscription === 'pro') return 'Pro';
  return null;
}
