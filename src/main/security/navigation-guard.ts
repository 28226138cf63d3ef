import type { Event, HandlerDetails, WebContents, WindowOpenHandlerResponse } from 'electron';

import { isAppUrl, isSafeExternalUrl, type AppOrigin } from './app-origin';

export type OpenExternal = (url: string) => Promise<void>;

/** A link the app cannot show itself goes to the OS browser or mail client if safe, else nowhere. */
function handOff(url: string, openExternal: OpenExternal): void {
  if (!isSafeExternalUrl(url)) return;
  openExternal(url).catch((err: unknown) => {
    console.error('Hippo could not open an external link:', err);
  });
}

export function windowOpenHandler(
  openExternal: OpenExternal,
): (details: HandlerDetails) => WindowOpenHandlerResponse {
  return ({ url }) => {
    handOff(url, openExternal);
    return { action: 'deny' };
  };
}

/**
 * Keeps every web contents on the app's own pages: navigation and redirects elsewhere are cancelled
 * (a safe link opens outside instead), window.open never makes a window, <webview> never attaches.
 */
export function guardWebContents(contents: WebContents, app: AppOrigin, openExternal: OpenExternal): void {
  const onNavigate = (event: Event, url: string): void => {
    if (isAppUrl(url, app)) return;
    event.preventDefault();
    handOff(url, openExternal);
  };
  contents.on('will-navigate', (event) => onNavigate(event, event.url));
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url, app)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, app)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(windowOpenHandler(openExternal));
}
