/** Where the page keeps the API token for this tab (gone when the tab closes). */
export const TOKEN_STORAGE_KEY = 'hippo.apiToken';

export interface TokenPlace {
  /** The page's address. */
  href: string;
  /** Replaces the address without a reload or a new history entry. */
  replaceUrl(url: string): void;
  /** sessionStorage in the page. */
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

/**
 * The bearer token for the local API. `hippo serve` prints a link carrying it (`/?token=…`, as
 * Jupyter does); the page keeps it in session storage and takes it out of the address bar and
 * the history at once, so it is not left in a bookmark, a screenshot or a shared link.
 */
export function takeApiToken(place: TokenPlace): string | null {
  const url = new URL(place.href);
  const fromLink = url.searchParams.get('token');
  if (fromLink) {
    place.storage.setItem(TOKEN_STORAGE_KEY, fromLink);
    url.searchParams.delete('token');
    place.replaceUrl(`${url.pathname}${url.search}${url.hash}`);
    return fromLink;
  }
  return place.storage.getItem(TOKEN_STORAGE_KEY);
}
