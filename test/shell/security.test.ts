import { describe, expect, it } from 'vitest';
import { hardenSession, hardenWebContents, isAllowedExternalUrl } from '../../src-main/shell/security.js';
import { flushMicrotasks } from '../fakes/fake-clock.js';
import { FakeSession, FakeShell, FakeWebContents } from '../fakes/fake-electron.js';
import { createRecordingLogger } from './shell-helpers.js';

function hardened() {
  const contents = new FakeWebContents();
  const shell = new FakeShell();
  const logger = createRecordingLogger();
  hardenWebContents(contents, { shell, logger });
  return { contents, shell, logger };
}

describe('external URL allow-list', () => {
  it('allows https links to the listed sites', () => {
    expect(isAllowedExternalUrl('https://claude.ai/settings')).toBe(true);
    expect(isAllowedExternalUrl('https://docs.anthropic.com/en/docs/claude-code')).toBe(true);
  });

  it.each([
    ['plain http', 'http://claude.ai/'],
    ['a look-alike host', 'https://claude.ai.evil.example/'],
    ['a subdomain not on the list', 'https://evil.github.com/'],
    ['embedded credentials', 'https://user:pw@github.com/'],
    ['an odd port', 'https://github.com:8443/'],
    ['a file URL', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_name, url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });
});

describe('web contents hardening', () => {
  it('blocks every navigation', () => {
    const { contents, shell } = hardened();
    expect(contents.navigate('https://evil.example/').defaultPrevented).toBe(true);
    expect(contents.navigate('app://ccmax/other.html').defaultPrevented).toBe(true);
    expect(contents.navigate('https://evil.example/', 'will-redirect').defaultPrevented).toBe(true);
    expect(shell.opened).toEqual([]);
  });

  it('opens an allow-listed link in the browser instead of navigating', async () => {
    const { contents, shell } = hardened();
    expect(contents.navigate('https://claude.ai/').defaultPrevented).toBe(true);
    await flushMicrotasks();
    expect(shell.opened).toEqual(['https://claude.ai/']);
  });

  it('denies window.open, handing only allow-listed https URLs to the browser', () => {
    const { contents, shell, logger } = hardened();
    expect(contents.openWindow('https://github.com/anthropics')).toEqual({ action: 'deny' });
    expect(contents.openWindow('https://evil.example/?token=abc')).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(['https://github.com/anthropics']);
    // A refused URL is logged without its query (which could carry anything).
    expect(JSON.stringify(logger.lines)).not.toContain('token=abc');
  });

  it('refuses to attach a webview', () => {
    const { contents } = hardened();
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    contents.emit('will-attach-webview', event);
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('session hardening', () => {
  it.each(['notifications', 'media', 'geolocation', 'openExternal', 'clipboard-read'])(
    'denies the %s permission request',
    async (permission) => {
      const session = new FakeSession();
      hardenSession(session, createRecordingLogger());
      await expect(session.requestPermission(permission)).resolves.toBe(false);
    },
  );

  it('answers every permission check with no', () => {
    const session = new FakeSession();
    hardenSession(session, createRecordingLogger());
    expect(session.checkPermission('notifications')).toBe(false);
    expect(session.checkPermission('fullscreen')).toBe(false);
  });
});
