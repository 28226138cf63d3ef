import { describe, expect, it } from 'vitest';
import { takeApiToken, TOKEN_STORAGE_KEY } from '../../../src/renderer/src/api/api-token';

function place(href: string, stored: string | null = null) {
  const storage = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
  const replaced: string[] = [];
  return {
    replaced,
    storage,
    place: {
      href,
      replaceUrl: (url: string) => replaced.push(url),
      storage: {
        getItem: (k: string) => storage.get(k) ?? null,
        setItem: (k: string, v: string) => void storage.set(k, v),
      },
    },
  };
}

describe('takeApiToken', () => {
  it('takes the token from the printed link, keeps it for the tab and strips it from the address', () => {
    const p = place('http://127.0.0.1:7821/?token=abc123&view=facts#top');
    expect(takeApiToken(p.place)).toBe('abc123');
    expect(p.storage.get(TOKEN_STORAGE_KEY)).toBe('abc123');
    expect(p.replaced).toEqual(['/?view=facts#top']);
  });

  it('falls back to the token kept for this tab (a reload), touching nothing', () => {
    const p = place('http://127.0.0.1:7821/', 'kept');
    expect(takeApiToken(p.place)).toBe('kept');
    expect(p.replaced).toEqual([]);
  });

  it('a newer link wins over a kept token; no token anywhere is null', () => {
    const p = place('http://127.0.0.1:7821/?token=new', 'old');
    expect(takeApiToken(p.place)).toBe('new');
    expect(p.storage.get(TOKEN_STORAGE_KEY)).toBe('new');
    expect(takeApiToken(place('http://127.0.0.1:7821/').place)).toBeNull();
  });
});
