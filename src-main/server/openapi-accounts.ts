/** The OpenAPI description of the account routes (`/api/accounts…`) and `/api/settings`. */
import { EXAMPLE_ACCOUNT, EXAMPLE_SETTINGS } from './openapi-examples.js';
import { common, errorResponse, jsonBody, requestBody, responseRef, withBody, type Operation } from './openapi-helpers.js';
import type { JsonSchema } from './openapi-schemas.js';

const idParam = { name: 'id', in: 'path', required: true, description: 'The account id (its uuid).', schema: { type: 'string' } };

/** What adding or importing an account answers: 201 added, 200 updated (`updated` says how), 502 when the profile could not be read. */
const addReplies = (updated: string): Record<string, JsonSchema> => ({
  '201': jsonBody('AccountReply', { account: { ...EXAMPLE_ACCOUNT, outcome: 'added' } }, 'A new account was added.'),
  '200': jsonBody('AccountReply', { account: { ...EXAMPLE_ACCOUNT, outcome: 'updated' } }, updated),
  '502': errorResponse(
    'The profile endpoint could not be read.',
    'profile-failed',
    'Could not read the account profile from Anthropic; check the network and try again.',
  ),
  ...withBody,
});

export function accountPaths(): Record<string, Record<string, Operation>> {
  const account = { account: EXAMPLE_ACCOUNT };
  return {
    '/api/accounts': {
      get: {
        operationId: 'listAccounts',
        summary: 'List accounts',
        responses: { '200': jsonBody('AccountList', { accounts: [EXAMPLE_ACCOUNT] }, 'Every account.'), ...common },
      },
      post: {
        operationId: 'addAccount',
        summary: 'Add an account from Claude Code credentials',
        description:
          'Takes the contents of a Claude Code `.credentials.json` (or its `claudeAiOauth` object). The reply never echoes credentials.',
        requestBody: requestBody(
          'AddAccountRequest',
          {
            credentials: {
              claudeAiOauth: {
                accessToken: 'sk-ant-oat01-…',
                refreshToken: 'sk-ant-ort01-…',
                expiresAt: 1795554139000,
                scopes: ['user:inference', 'user:profile'],
              },
            },
          },
          true,
        ),
        responses: addReplies('The account existed; its login was updated (or a newer one kept).'),
      },
    },
    '/api/accounts/import': {
      post: {
        operationId: 'importAccount',
        summary: "Import Claude Code's current login",
        description: 'Reads the login Claude Code holds now (its credentials file or keychain item). No body, or `{}`.',
        responses: addReplies('The account existed; its login was updated.'),
      },
    },
    '/api/accounts/{id}': {
      patch: {
        operationId: 'updateAccount',
        summary: 'Label, enable or disable an account',
        parameters: [idParam],
        requestBody: requestBody('AccountPatch', { label: 'work', enabled: false }, true),
        responses: {
          '200': jsonBody('AccountReply', { account: { ...EXAMPLE_ACCOUNT, enabled: false } }, 'The updated account.'),
          '404': responseRef('NotFound'),
          ...withBody,
        },
      },
      delete: {
        operationId: 'removeAccount',
        summary: 'Remove an account and its stored login',
        parameters: [idParam],
        responses: { '200': jsonBody('AccountReply', account, 'The removed account.'), '404': responseRef('NotFound'), ...common },
      },
    },
    '/api/settings': {
      get: {
        operationId: 'getSettings',
        summary: 'All settings',
        responses: { '200': jsonBody('Settings', EXAMPLE_SETTINGS, 'The current settings.'), ...common },
      },
      patch: {
        operationId: 'updateSettings',
        summary: 'Change some settings',
        requestBody: requestBody('SettingsPatch', { fiveHourThresholdPct: 85, deferralMode: 'turn' }, true),
        responses: {
          '200': jsonBody(
            'Settings',
            { ...EXAMPLE_SETTINGS, fiveHourThresholdPct: 85, deferralMode: 'turn' },
            'The settings after the change.',
          ),
          ...withBody,
        },
      },
    },
  };
}
