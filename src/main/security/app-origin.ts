import { pathToFileURL } from 'node:url';

/**
 * Where the app's own pages come from: the built renderer directory on disk, or (only when not
 * packaged) the electron-vite dev server. Everything else is foreign content.
 */
export type AppOrigin =
  { readonly kind: 'file'; readonly rendererDir: string } | { readonly kind: 'dev'; readonly origin: string };

export function fileAppOrigin(rendererDir: string): AppOrigin {
  return { kind: 'file', rendererDir };
}

/** Throws on anything but a plain http(s) origin, so a bad ELECTRON_RENDERER_URL fails at start. */
export function devAppOrigin(devServerUrl: string): AppOrigin {
  const url = new URL(devServerUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`dev server URL must be http(s): ${devServerUrl}`);
  }
  return { kind: 'dev', origin: url.origin };
}

function parse(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * True only for a URL of the app's own pages. The WHATWG parser has already lower-cased the
 * scheme and resolved `..` (also `%2e%2e`), so a prefix check on the parsed path is sound.
 */
export function isAppUrl(raw: string, app: AppOrigin): boolean {
  const url = parse(raw);
  if (!url || url.username !== '' || url.password !== '') return false;
  if (app.kind === 'dev') return url.origin === app.origin;
  if (url.protocol !== 'file:' || url.hostname !== '') return false;
  const dir = pathToFileURL(app.rendererDir).pathname.replace(/\/+$/, '') + '/';
  return url.pathname.startsWith(dir);
}

/** Links the user may follow out of the app, handed to the OS: https pages and mail, nothing else. */
export function isSafeExternalUrl(raw: string): boolean {
  const url = parse(raw);
  if (!url) return false;
  if (url.protocol === 'mailto:') return true;
  return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
}
