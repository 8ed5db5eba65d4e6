import { cleanup, fireEvent, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, test, vi } from 'vitest';
import SettingsForm from '../../src-renderer/components/SettingsForm.svelte';
import { err } from '../../src-main/shared/result.js';
import { parseSettingsDraft, toSettingsDraft } from '../../src-renderer/lib/settings-form.js';
import { FakeBridge, makeSnapshot, renderDashboard } from './fixtures.js';

afterEach(cleanup);

const settings = makeSnapshot().settings;
const vault = { kind: 'keychain', location: 'ccmax-monitor' } as const;

describe('settings validation', () => {
  test('an untouched form is an empty patch', () => {
    expect(parseSettingsDraft(toSettingsDraft(settings), settings)).toEqual({ ok: true, value: {} });
  });

  test('sends only the changed fields, durations in milliseconds', () => {
    const draft = { ...toSettingsDraft(settings), fiveHourThresholdPct: 70, parkedPollMinutes: 20, deferralMode: 'turn' as const };
    expect(parseSettingsDraft(draft, settings)).toEqual({
      ok: true,
      value: { fiveHourThresholdPct: 70, parkedPollIntervalMs: 1_200_000, deferralMode: 'turn' },
    });
  });

  test('names each field that is out of range or empty', () => {
    const draft = { ...toSettingsDraft(settings), fiveHourThresholdPct: 0, hysteresisPct: null, activePollMinutes: 1.5 };
    const result = parseSettingsDraft(draft, settings);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.fiveHourThresholdPct).toBe('The 5-hour threshold is a percent from 1 to 100.');
    expect(result.error.hysteresisPct).toMatch(/enter a number from 0 to 50/);
    expect(result.error.activePollMinutes).toMatch(/whole number/);
  });
});

describe('settings form', () => {
  test('saves a changed threshold through updateSettings', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    renderDashboard(SettingsForm, { bridge, props: { settings, vault } });
    await fireEvent.input(screen.getByLabelText('5-hour threshold'), { target: { value: '70' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(bridge.callsOf('updateSettings')).toEqual([{ fiveHourThresholdPct: 70 }]);
    await vi.waitFor(() => expect(screen.getByText('Settings saved.')).toBeTruthy());
  });

  test('shows a field message and sends nothing when a value is invalid', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    renderDashboard(SettingsForm, { bridge, props: { settings, vault } });
    const input = screen.getByLabelText('5-hour threshold');
    await fireEvent.input(input, { target: { value: '150' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(bridge.callsOf('updateSettings')).toEqual([]);
    expect(screen.getByText('The 5-hour threshold is a percent from 1 to 100.')).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  test('shows the engine’s validation message when it refuses the change', async () => {
    const bridge = new FakeBridge(makeSnapshot());
    bridge.results.updateSettings = err({ code: 'invalid-settings', message: 'hysteresisPct must be below the threshold.' });
    renderDashboard(SettingsForm, { bridge, props: { settings, vault } });
    await fireEvent.input(screen.getByLabelText('Hysteresis margin'), { target: { value: '40' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await vi.waitFor(() => expect(screen.getByTestId('settings-error').textContent).toBe('hysteresisPct must be below the threshold.'));
  });

  test('offers launch at login in the desktop app only', () => {
    const desktop = new FakeBridge(makeSnapshot());
    desktop.transport = 'electron';
    renderDashboard(SettingsForm, { bridge: desktop, props: { settings: { ...settings, launchAtLogin: false }, vault } });
    expect(screen.getByLabelText('Launch at login')).toBeTruthy();
    cleanup();
    renderDashboard(SettingsForm, { props: { settings: { ...settings, launchAtLogin: false }, vault } });
    expect(screen.queryByLabelText('Launch at login')).toBeNull();
    expect(screen.getByText(/setting of the desktop app/)).toBeTruthy();
  });
});
