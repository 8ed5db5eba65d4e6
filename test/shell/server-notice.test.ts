import { describe, expect, it } from 'vitest';
import { toServerNotice } from '../../src-main/shell/server-notice.js';

describe('server notice', () => {
  it('says nothing while the app serves on its own', () => {
    expect(toServerNotice({ kind: 'serving', url: 'http://127.0.0.1:47821' })).toBeNull();
  });

  it('names the other monitor by host and port and says live sessions report to it', () => {
    const notice = toServerNotice({ kind: 'deferring', url: 'http://127.0.0.1:47821' });
    expect(notice?.title).toBe('Another ccmax-monitor is running');
    expect(notice?.body).toMatch(/^Another ccmax-monitor is serving on 127\.0\.0\.1:47821; live sessions report to it\. /);
  });

  it('tells the user to choose another port when some other program holds it', () => {
    const notice = toServerNotice({ kind: 'port-taken', address: '127.0.0.1:47821' });
    expect(notice?.body).toContain('Another program is using 127.0.0.1:47821');
    expect(notice?.body).toContain('Choose another listening port in Settings');
  });

  it('passes on why the server refused to start, as one sentence', () => {
    const notice = toServerNotice({ kind: 'refused', message: 'listening on 0.0.0.0 needs a token: pass --token or set CCMAX_TOKEN' });
    expect(notice?.body).toMatch(/^listening on 0\.0\.0\.0 needs a token: pass --token or set CCMAX_TOKEN\. The tray/);
  });
});
