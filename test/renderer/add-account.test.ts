import { cleanup, fireEvent, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, test, vi } from 'vitest';
import AddAccount from '../../src-renderer/components/AddAccount.svelte';
import { err, ok } from '../../src-main/shared/result.js';
import { FakeBridge, makeSnapshot, renderDashboard } from './fixtures.js';

afterEach(cleanup);

const SECRET_JSON = '{"claudeAiOauth":{"accessToken":"sk-ant-oat01-SECRET","refreshToken":"sk-ant-ort01-SECRET","expiresAt":1}}';

describe('add account', () => {
  test('imports the login Claude Code holds and says who was added', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    bridge.results.importFromClaudeCode = ok({
      id: 'n',
      email: 'new@example.com',
      label: null,
      enabled: true,
      plan: 'Max 5x',
      outcome: 'added',
    });
    renderDashboard(AddAccount, { bridge });
    await fireEvent.click(screen.getByRole('button', { name: "Import Claude Code's current login" }));
    expect(bridge.callsOf('importFromClaudeCode')).toEqual([{}]);
    await vi.waitFor(() => expect(screen.getByTestId('add-account-message').textContent).toBe('Added new@example.com.'));
  });

  test('sends pasted credentials, clears the field at once and never shows them back', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    bridge.results.addFromCredentialsJson = err({ code: 'invalid-credentials', message: 'These credentials have no refresh token.' });
    renderDashboard(AddAccount, { bridge });
    const field = screen.getByLabelText(/paste a credentials JSON/) as HTMLTextAreaElement;
    await fireEvent.input(field, { target: { value: SECRET_JSON } });
    await fireEvent.click(screen.getByRole('button', { name: 'Add from JSON' }));
    expect(bridge.callsOf('addFromCredentialsJson')).toEqual([{ json: SECRET_JSON }]);
    expect(field.value).toBe('');
    await vi.waitFor(() => expect(screen.getByTestId('add-account-message').textContent).toBe('These credentials have no refresh token.'));
    expect(document.body.innerHTML).not.toContain('SECRET');
  });

  test('asks for content instead of sending an empty paste', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    renderDashboard(AddAccount, { bridge });
    await fireEvent.click(screen.getByRole('button', { name: 'Add from JSON' }));
    expect(bridge.callsOf('addFromCredentialsJson')).toEqual([]);
    expect(screen.getByTestId('add-account-message').textContent).toMatch(/Paste the contents/);
  });

  test('reads a chosen credentials file and sends its text', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    renderDashboard(AddAccount, { bridge });
    const input = document.querySelector<HTMLInputElement>('input[type="file"]');
    if (!input) throw new Error('no file input');
    const file = new File([SECRET_JSON], '.credentials.json', { type: 'application/json' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await fireEvent.change(input);
    await vi.waitFor(() => expect(bridge.callsOf('addFromCredentialsJson')).toEqual([{ json: SECRET_JSON }]));
  });
});
