import type { OnHeadersReceivedListenerDetails, Session } from 'electron';

import type { AppOrigin } from './app-origin';

/**
 * The policy every response to the renderer carries. Scripts only from the app itself and never
 * eval; no remote content of any kind; no plugins, frames, forms or <base> tricks. Inline styles stay
 * allowed because React and the renderer's meta CSP use them; inline scripts do not.
 */
export function contentSecurityPolicy(app: AppOrigin): string {
  // Vite's dev server pushes hot updates over a websocket on its own host; only dev needs it.
  const connect = app.kind === 'dev' ? `'self' ${app.origin.replace(/^http/, 'ws')}` : "'self'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Replaces any CSP the response brought (in any letter case) with ours, so it cannot be loosened. */
export function withContentSecurityPolicy(
  headers: Record<string, string[]> | undefined,
  policy: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}

/**
 * Sets the policy as a response header on every request of the session. Electron documents that
 * headers cannot be set for file:// pages, so the packaged page must not rely on this alone: the
 * renderer's <meta> CSP is the guarantee there, and where both apply the browser enforces both.
 */
export function installContentSecurityPolicy(session: Pick<Session, 'webRequest'>, policy: string): void {
  session.webRequest.onHeadersReceived((details: OnHeadersReceivedListenerDetails, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy) });
  });
}
