import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';

import {
  devAppOrigin,
  fileAppOrigin,
  isAppUrl,
  isSafeExternalUrl,
} from '../../../src/main/security/app-origin';
import {
  contentSecurityPolicy,
  installContentSecurityPolicy,
  withContentSecurityPolicy,
} from '../../../src/main/security/content-security-policy';
import { guardWebContents, windowOpenHandler } from '../../../src/main/security/navigation-guard';
import { denyAllPermissions } from '../../../src/main/security/permissions';
import {
  isTrustedSender,
  onlyFromApp,
  UNTRUSTED_SENDER_RESULT,
} from '../../../src/main/security/trusted-sender';

const RENDERER_DIR = '/opt/Hippo/resources/app.asar/out/renderer';
const FILE_APP = fileAppOrigin(RENDERER_DIR);
const DEV_APP = devAppOrigin('http://localhost:5173/');
const APP_PAGE = `file://${RENDERER_DIR}/index.html`;

describe('isAppUrl (packaged: file://)', () => {
  it.each([
    [APP_PAGE, true],
    [`file://${RENDERER_DIR}/index.html#/search?q=x`, true],
    [`FILE://${RENDERER_DIR}/index.html`, true],
    [`file://${RENDERER_DIR}/assets/index-abc.js`, true],
    ['file:///etc/passwd', false],
    [`file://${RENDERER_DIR}-evil/index.html`, false],
    [`file://${RENDERER_DIR}/../../../../etc/passwd`, false],
    [`file://${RENDERER_DIR}/%2e%2e/%2e%2e/secret.html`, false],
    [`file://evil.example${RENDERER_DIR}/index.html`, false],
    ['file:///opt/Hippo/resources/app.asar/out/index.html', false],
    ['http://localhost:5173/', false],
    ['https://example.com/', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['about:blank', false],
    ['not a url', false],
    ['', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isAppUrl(url, FILE_APP)).toBe(allowed);
  });
});

describe('isAppUrl (dev server)', () => {
  it.each([
    ['http://localhost:5173/', true],
    ['http://localhost:5173/index.html?x=1#y', true],
    ['HTTP://LOCALHOST:5173/', true],
    ['http://localhost:5174/', false],
    ['http://localhost/', false],
    ['https://localhost:5173/', false],
    ['http://127.0.0.1:5173/', false],
    ['http://user:pw@localhost:5173/', false],
    ['http://localhost:5173@evil.example/', false],
    ['http://localhost.evil.example:5173/', false],
    [APP_PAGE, false],
    ['javascript:alert(1)', false],
    ['data:text/html,hi', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isAppUrl(url, DEV_APP)).toBe(allowed);
  });

  it('refuses a dev server URL that is not http(s)', () => {
    expect(() => devAppOrigin('file:///tmp/index.html')).toThrow(/http/);
    expect(() => devAppOrigin('javascript:alert(1)')).toThrow();
  });
});

describe('isSafeExternalUrl', () => {
  it.each([
    ['https://example.com/docs', true],
    ['HTTPS://EXAMPLE.COM/', true],
    ['mailto:someone@example.com', true],
    ['MAILTO:someone@example.com', true],
    ['https://user:pw@example.com/', false],
    ['https://user@example.com/', false],
    ['http://example.com/', false],
    ['javascript:alert(1)', false],
    ['JavaScript:alert(1)', false],
    [' javascript:alert(1)', false],
    ['data:text/html,hi', false],
    ['file:///etc/passwd', false],
    ['ftp://example.com/', false],
    ['smb://host/share', false],
    ['ms-msdt:/id', false],
    ['https:', false],
    ['//example.com', false],
    ['', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isSafeExternalUrl(url)).toBe(allowed);
  });
});

/** Records what the guard registers so each handler can be driven by hand. */
function fakeWebContents() {
  const listeners = new Map<string, (event: unknown) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on(name: string, listener: (event: unknown) => void) {
      listeners.set(name, listener);
      return contents;
    },
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      openHandler = handler;
    },
  };
  const fire = (name: string, url: string): boolean => {
    let prevented = false;
    const listener = listeners.get(name);
    if (!listener) throw new Error(`no ${name} listener`);
    listener({ url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  return {
    contents: contents as unknown as WebContents,
    listeners,
    fire,
    open: (url: string) => {
      if (!openHandler) throw new Error('no window open handler');
      return openHandler({ url });
    },
  };
}

function recordingOpenExternal() {
  const opened: string[] = [];
  return { opened, openExternal: (url: string) => (opened.push(url), Promise.resolve()) };
}

describe('guardWebContents', () => {
  it('lets the app navigate within its own pages and nowhere else', () => {
    const fake = fakeWebContents();
    const ext = recordingOpenExternal();
    guardWebContents(fake.contents, FILE_APP, ext.openExternal);

    expect(fake.fire('will-navigate', `file://${RENDERER_DIR}/index.html#/settings`)).toBe(false);
    expect(fake.fire('will-navigate', 'https://example.com/')).toBe(true);
    expect(fake.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fake.fire('will-navigate', 'javascript:alert(1)')).toBe(true);
    expect(fake.fire('will-frame-navigate', 'https://example.com/')).toBe(true);
    expect(fake.fire('will-frame-navigate', APP_PAGE)).toBe(false);
    expect(fake.fire('will-redirect', 'http://localhost:5174/')).toBe(true);
    expect(fake.fire('will-redirect', APP_PAGE)).toBe(false);
    expect(fake.fire('will-attach-webview', APP_PAGE)).toBe(true);
    // Only the safe link a blocked navigation pointed at goes out to the OS.
    expect(ext.opened).toEqual(['https://example.com/']);
  });

  it('denies every window.open and hands only https/mailto links to the OS', () => {
    const fake = fakeWebContents();
    const ext = recordingOpenExternal();
    guardWebContents(fake.contents, DEV_APP, ext.openExternal);

    for (const url of [
      'https://example.com/a',
      'mailto:a@example.com',
      'http://example.com/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'http://localhost:5173/',
      'https://u:p@example.com/',
      'data:text/html,hi',
    ]) {
      expect(fake.open(url)).toEqual({ action: 'deny' });
    }
    expect(ext.opened).toEqual(['https://example.com/a', 'mailto:a@example.com']);
  });

  it('survives the OS refusing to open a link', async () => {
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const handler = windowOpenHandler(() => Promise.reject(new Error('no browser')));
      expect(handler({ url: 'https://example.com/' } as never)).toEqual({ action: 'deny' });
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });
});

describe('content security policy', () => {
  it('allows only the app itself, never eval or remote content', () => {
    const policy = contentSecurityPolicy(FILE_APP);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(policy).not.toMatch(/https?:|ws:|\*/);
  });

  it('in development also lets the dev server push hot updates, and nothing more', () => {
    const policy = contentSecurityPolicy(DEV_APP);
    expect(policy).toContain("connect-src 'self' ws://localhost:5173");
    expect(policy).not.toContain('unsafe-eval');
    expect(policy).not.toMatch(/\*/);
  });

  it('replaces a CSP the response brought, whatever its letter case', () => {
    const headers = withContentSecurityPolicy(
      { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] },
      "default-src 'none'",
    );
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': ["default-src 'none'"],
    });
  });

  it('installs itself on the session as a response-header rewrite', () => {
    type Listener = (
      details: { responseHeaders?: Record<string, string[]> },
      callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
    ) => void;
    let installed: Listener | undefined;
    const session = {
      webRequest: { onHeadersReceived: (listener: Listener) => (installed = listener) },
    } as unknown as Session;
    installContentSecurityPolicy(session, "default-src 'none'");
    expect(installed).toBeDefined();
    let response: { responseHeaders?: Record<string, string[]> } | undefined;
    installed?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (response = r));
    expect(response?.responseHeaders).toEqual({
      'X-Other': ['1'],
      'Content-Security-Policy': ["default-src 'none'"],
    });
    installed?.({}, (r) => (response = r));
    expect(response?.responseHeaders).toEqual({ 'Content-Security-Policy': ["default-src 'none'"] });
  });
});

describe('denyAllPermissions', () => {
  it('refuses every permission request, check and device', () => {
    const calls: Record<string, (...args: unknown[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: (...args: unknown[]) => unknown) => (calls.request = h),
      setPermissionCheckHandler: (h: (...args: unknown[]) => unknown) => (calls.check = h),
      setDevicePermissionHandler: (h: (...args: unknown[]) => unknown) => (calls.device = h),
    } as unknown as Session;
    denyAllPermissions(session);

    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const answers: boolean[] = [];
      calls.request?.({}, permission, (granted: boolean) => answers.push(granted), {});
      expect(answers).toEqual([false]);
      expect(calls.check?.({}, permission, APP_PAGE, {})).toBe(false);
    }
    expect(calls.device?.({ deviceType: 'usb' })).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const event = (url: string | null) =>
    ({ senderFrame: url === null ? null : { url } }) as Parameters<typeof isTrustedSender>[0];

  it.each([
    [APP_PAGE, FILE_APP, true],
    [`file://${RENDERER_DIR}/index.html#/x`, FILE_APP, true],
    ['file:///tmp/evil.html', FILE_APP, false],
    ['https://example.com/', FILE_APP, false],
    ['http://localhost:5173/', DEV_APP, true],
    ['http://localhost:5174/', DEV_APP, false],
    ['http://localhost:5173/', FILE_APP, false],
    [APP_PAGE, DEV_APP, false],
    ['about:blank', FILE_APP, false],
    ['data:text/html,hi', FILE_APP, false],
  ] as const)('%s (%o) -> %s', (url, app, trusted) => {
    expect(isTrustedSender(event(url), app)).toBe(trusted);
  });

  it('refuses a destroyed frame', () => {
    expect(isTrustedSender(event(null), FILE_APP)).toBe(false);
  });
});

describe('onlyFromApp', () => {
  const event = (url: string | null) =>
    ({ senderFrame: url === null ? null : { url } }) as Parameters<typeof isTrustedSender>[0];

  it('runs the handler for the app page and refuses anyone else without running it', async () => {
    const seen: unknown[][] = [];
    const handler = onlyFromApp(FILE_APP, (_event, a: number, b: string) => {
      seen.push([a, b]);
      return { ok: true as const, value: `${a}${b}` };
    });
    await expect(handler(event(APP_PAGE), 1, 'x')).resolves.toEqual({ ok: true, value: '1x' });
    await expect(handler(event('https://evil.example/'), 2, 'y')).resolves.toBe(UNTRUSTED_SENDER_RESULT);
    await expect(handler(event(null), 3, 'z')).resolves.toBe(UNTRUSTED_SENDER_RESULT);
    expect(seen).toEqual([[1, 'x']]);
    expect(UNTRUSTED_SENDER_RESULT).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});
