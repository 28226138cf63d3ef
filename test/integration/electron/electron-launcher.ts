import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface ElectronBinary {
  /** The Electron binary, as the electron package names it. */
  executablePath: string;
  /** Chromium switches the app needs here (before the app folder). */
  switches: string[];
  /** No screen: start a virtual one (startXvfb) and pass its DISPLAY to the app. */
  needsXvfb: boolean;
}

/**
 * How to start the real Electron binary here, or why it cannot be (the caller skips and prints it).
 * Playwright's _electron runs the binary itself, so on a Linux box without a screen the test starts
 * Xvfb rather than going through xvfb-run.
 */
export function findElectron(): ElectronBinary | { skip: string } {
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
  // Chromium refuses to run as root with its sandbox on; the renderers are still sandboxed per window.
  const switches = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const needsXvfb = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  if (needsXvfb && spawnSync('sh', ['-c', 'command -v Xvfb'], { stdio: 'ignore' }).status !== 0) {
    return { skip: 'there is no display and Xvfb is not installed' };
  }
  return { executablePath: binary, switches, needsXvfb };
}

/** A virtual screen; Xvfb picks a free display number itself and writes it to the descriptor given. */
export function startXvfb(): Promise<{ display: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Xvfb did not start within 10 s: ${err.trim()}`));
    }, 10_000);
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ display: `:${out.trim()}`, stop: () => child.kill() });
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb could not start: ${e.message}`));
    });
  });
}
