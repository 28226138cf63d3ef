import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp, REPO_ROOT, type BuiltApp } from './build-app';
import { metaCsp } from './meta-csp';

describe('electron-vite build', () => {
  let app: BuiltApp;

  beforeAll(async () => {
    app = await buildApp();
  });
  afterAll(() => app?.remove());

  it('emits the main entry as ESM that loads the CommonJS preload it was built with', () => {
    const mainJs = join(app.dir, 'main', 'index.js');
    expect(existsSync(mainJs), app.log).toBe(true);
    const main = readFileSync(mainJs, 'utf8');
    expect(main).toMatch(/from "electron"/);
    expect(main).toContain('../preload/index.cjs');
    expect(main).toContain('../renderer/index.html');
  });

  it('emits a sandbox-compatible preload: CommonJS, requiring nothing but electron', () => {
    const preloadJs = join(app.dir, 'preload', 'index.cjs');
    expect(existsSync(preloadJs), app.log).toBe(true);
    const preload = readFileSync(preloadJs, 'utf8');
    expect(preload).toContain('exposeInMainWorld');
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    expect(preload).not.toContain('__HIPPO_VERSION__');
  });

  it('emits a renderer page that loads only built, existing assets under a strict CSP', () => {
    const htmlPath = join(app.dir, 'renderer', 'index.html');
    expect(existsSync(htmlPath), app.log).toBe(true);
    const html = readFileSync(htmlPath, 'utf8');

    // The built page keeps the source page's policy (renderer-csp.test.ts checks it against main's).
    const source = readFileSync(join(REPO_ROOT, 'src', 'renderer', 'index.html'), 'utf8');
    expect(metaCsp(html)).toContain("default-src 'none'");
    expect(metaCsp(html)).toBe(metaCsp(source));
    expect(html).not.toContain('.tsx');

    const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] ?? '');
    const styles = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map(
      (m) => m[1] ?? '',
    );
    expect(scripts.length).toBeGreaterThan(0);
    expect(styles.length).toBeGreaterThan(0);
    for (const ref of [...scripts, ...styles]) {
      expect(ref, 'assets must be relative so file:// loading works').toMatch(/^\.\/assets\//);
      expect(existsSync(join(app.dir, 'renderer', ref)), `${ref} is missing`).toBe(true);
    }
    // No inline scripts: the CSP would block them.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  });

  it('emits the embedder worker once, where the main bundle forks it from, with native addons external', () => {
    const main = readFileSync(join(app.dir, 'main', 'index.js'), 'utf8');
    const forked = /join(?:\$\d+)?\(import\.meta\.dirname, "([^"]*embedder-worker[^"]*\.js)"\)/.exec(main);
    expect(forked, 'main locates the worker through its ?modulePath import').not.toBeNull();
    const emitted = readdirSync(join(app.dir, 'main'), { recursive: true })
      .map(String)
      .filter((f) => /embedder-worker/.test(f));
    expect(emitted, 'worker files in main/').toEqual([join(forked![1]!)]);

    const worker = readFileSync(join(app.dir, 'main', forked![1]!), 'utf8');
    expect(worker).toContain('process.parentPort');
    // Loaded from node_modules at run time (statically or lazily), never inlined with its .node binding.
    expect(worker).toMatch(/(from |import\()"onnxruntime-node"/);
    expect(worker).not.toContain('onnxruntime_binding');
  });
});
