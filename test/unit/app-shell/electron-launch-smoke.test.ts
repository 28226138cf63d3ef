import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { buildApp } from './build-app';

/** How to start Electron here, or why it cannot be started (the test then skips and says so). */
function electronLauncher(): { command: string; args: string[] } | { skip: string } {
  let binary: unknown;
  try {
    // The electron package exports the path of its binary, and throws when the download was skipped.
    binary = createRequire(import.meta.url)('electron');
  } catch (err) {
    return { skip: `the Electron binary is not installed (${(err as Error).message.split('\n')[0]})` };
  }
  if (typeof binary !== 'string' || !existsSync(binary)) {
    return { skip: `the Electron binary is not installed (expected at ${String(binary)})` };
  }
  // Chromium refuses to run as root with its sandbox on.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    if (spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status !== 0) {
      return { skip: 'there is no display and xvfb-run is not installed' };
    }
    return { command: 'xvfb-run', args: ['-a', binary, ...args] };
  }
  return { command: binary, args };
}

describe('Electron launch smoke test', () => {
  const launcher = electronLauncher();
  if ('skip' in launcher) console.warn(`skipping the Electron launch smoke test: ${launcher.skip}`);

  it.skipIf('skip' in launcher)('opens the window, answers through the preload and exits 0', async () => {
    if ('skip' in launcher) return;
    const app = await buildApp();
    const userData = mkdtempSync(join(tmpdir(), 'hippo-smoke-user-'));
    try {
      // Neither a dev server URL nor node mode may leak in from the shell running the tests.
      const { ELECTRON_RENDERER_URL: _devUrl, ELECTRON_RUN_AS_NODE: _asNode, ...inherited } = process.env;
      const env = { ...inherited, HIPPO_SMOKE_EXIT: '1', HIPPO_USER_DATA_DIR: userData };

      const { code, output } = await new Promise<{ code: number | null; output: string }>((done, fail) => {
        const child = spawn(launcher.command, [...launcher.args, app.dir], { env });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        // A hung app must not hang the suite.
        const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
        child.on('error', fail);
        child.on('close', (exitCode) => {
          clearTimeout(timer);
          done({ code: exitCode, output });
        });
      });

      expect(code, output).toBe(0);
      expect(output).toContain('hippo smoke: window ready');
    } finally {
      app.remove();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
