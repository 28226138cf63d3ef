import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { devAppOrigin, fileAppOrigin } from '../../../src/main/security/app-origin';
import { contentSecurityPolicy } from '../../../src/main/security/content-security-policy';
import { REPO_ROOT } from './build-app';
import { metaCsp } from './meta-csp';

/** Directives a <meta> policy cannot carry (the browser ignores them there, with a warning). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

function directives(policy: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values.join(' '));
  }
  return out;
}

/**
 * File pages get no response headers in Electron, so the packaged renderer is guarded by its <meta>
 * policy alone: it must say everything the main process's header says that a <meta> can say.
 */
describe("the renderer's meta CSP", () => {
  const html = readFileSync(join(REPO_ROOT, 'src', 'renderer', 'index.html'), 'utf8');

  it('is the packaged header policy minus the directives only a header can carry', () => {
    const meta = metaCsp(html);
    expect(meta, 'index.html has a CSP meta tag').not.toBeNull();
    const header = directives(contentSecurityPolicy(fileAppOrigin('/app/out/renderer')));
    const expected = new Map([...header].filter(([name]) => !HEADER_ONLY.has(name)));
    expect(Object.fromEntries(directives(meta!))).toEqual(Object.fromEntries(expected));
    expect(expected.size).toBeGreaterThan(5);
  });

  it('is the one policy in the page, before any script or stylesheet', () => {
    expect(html.match(/http-equiv="Content-Security-Policy"/gi)).toHaveLength(1);
    const metaAt = html.search(/http-equiv="Content-Security-Policy"/i);
    for (const tag of ['<script', '<link rel="stylesheet"', '<style']) {
      const at = html.indexOf(tag);
      if (at >= 0) expect(metaAt, tag).toBeLessThan(at);
    }
  });

  it('still lets the dev server push updates: the dev header only widens connect-src', () => {
    const dev = directives(contentSecurityPolicy(devAppOrigin('http://localhost:5173')));
    const file = directives(contentSecurityPolicy(fileAppOrigin('/app/out/renderer')));
    for (const [name, value] of file) if (name !== 'connect-src') expect(dev.get(name), name).toBe(value);
    // A <meta> 'self' in connect-src covers the dev server's same-host websocket in Chromium.
    expect(dev.get('connect-src')).toBe("'self' ws://localhost:5173");
  });
});
