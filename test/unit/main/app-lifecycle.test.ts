import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { defaultTokenFile } from '../../../src/cli/serve-command';
import {
  appDataEnv,
  appModelDir,
  appSettingsFile,
  appTokenFile,
  claimSingleInstance,
  launchAction,
  once,
  openBackend,
  quitAfterShutdown,
  type QuitApp,
} from '../../../src/main/app-lifecycle';
import { modelSearchPaths } from '../../../src/main/embedder/model-locate';
import { nodeWorkerHostFactory } from '../../../src/main/embedder/node-worker-host';
import { defaultUserDataDir } from '../../../src/main/paths';
import { LEXICAL_MODEL_DIR } from '../../helpers/lexical-memory';
import { makeTempDir } from '../../helpers/temp-dir';

describe('claimSingleInstance', () => {
  function fakeApp(gotLock: boolean) {
    const emitter = new EventEmitter();
    let quits = 0;
    return {
      app: {
        requestSingleInstanceLock: () => gotLock,
        quit: () => void quits++,
        on: (event: 'second-instance', listener: (event: unknown, argv: string[]) => void) =>
          emitter.on(event, listener),
      },
      emitter,
      quits: () => quits,
    };
  }

  it('the first instance keeps running and is told what a second launch asked for', () => {
    const fake = fakeApp(true);
    const asked: string[] = [];
    expect(claimSingleInstance(fake.app, (action) => void asked.push(action))).toBe(true);
    fake.emitter.emit('second-instance', {}, ['/opt/Hippo/hippo']);
    fake.emitter.emit('second-instance', {}, ['/opt/Hippo/hippo', '--capture']);
    fake.emitter.emit('second-instance', {}, ['/opt/Hippo/hippo', '--search']);
    // Some launchers pass nothing usable: it still brings the window forward.
    fake.emitter.emit('second-instance', {}, undefined);
    expect(asked).toEqual(['open', 'capture', 'search', 'open']);
    expect(fake.quits()).toBe(0);
  });

  it('launchAction reads --capture and --search anywhere in the command line', () => {
    expect(launchAction(['hippo', '--no-sandbox', '--capture'])).toBe('capture');
    expect(launchAction(['hippo', '--search'])).toBe('search');
    expect(launchAction(['hippo', 'capture'])).toBe('open');
    expect(launchAction([])).toBe('open');
  });

  it('a second instance quits without listening', () => {
    const fake = fakeApp(false);
    expect(claimSingleInstance(fake.app, () => {})).toBe(false);
    expect(fake.quits()).toBe(1);
    expect(fake.emitter.listenerCount('second-instance')).toBe(0);
  });
});

describe('appDataEnv', () => {
  it('puts a test profile database inside the profile folder', () => {
    expect(appDataEnv({ HIPPO_USER_DATA_DIR: '/tmp/p' }).HIPPO_HOME).toBe('/tmp/p');
  });
  it('leaves HIPPO_HOME and an ordinary launch alone', () => {
    expect(appDataEnv({ HIPPO_USER_DATA_DIR: '/tmp/p', HIPPO_HOME: '/h' }).HIPPO_HOME).toBe('/h');
    expect(appDataEnv({}).HIPPO_HOME).toBeUndefined();
  });
});

describe('where the app keeps settings, token and model', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('shares the token file and the settings file with `hippo serve`', () => {
    const env = { HIPPO_HOME: '/tmp/hippo-home' };
    expect(appTokenFile(env)).toBe(defaultTokenFile(env));
    expect(appSettingsFile(env)).toBe(join(defaultUserDataDir(env), 'settings.json'));
    // A test profile keeps everything inside its folder.
    expect(appTokenFile({ HIPPO_USER_DATA_DIR: '/tmp/p' })).toBe(join('/tmp/p', 'api-token'));
  });

  it('downloads the model into a folder the embedder searches', () => {
    const env = { HIPPO_USER_DATA_DIR: '/tmp/p' };
    const searched = modelSearchPaths({ env, userDataDir: defaultUserDataDir(appDataEnv(env)) });
    expect(searched).toContain(appModelDir(env));
  });

  it('copies settings an earlier version kept in Electron userData, once, and leaves the old file', () => {
    const tmp = makeTempDir('hippo-settings-move-');
    cleanups.push(tmp.cleanup);
    const legacyDir = join(tmp.dir, 'electron-user-data');
    mkdirSync(legacyDir);
    writeFileSync(join(legacyDir, 'settings.json'), '{"hotkey":"Alt+H","launchAtLogin":true,"theme":"dark"}');
    const env = { HIPPO_HOME: join(tmp.dir, 'home') };
    const file = appSettingsFile(env, legacyDir);
    expect(file).toBe(join(tmp.dir, 'home', 'settings.json'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ hotkey: 'Alt+H', theme: 'dark' });
    expect(existsSync(join(legacyDir, 'settings.json'))).toBe(true);
    // The file in the data folder wins from then on.
    writeFileSync(file, '{"theme":"light"}');
    appSettingsFile(env, legacyDir);
    expect(readFileSync(file, 'utf8')).toBe('{"theme":"light"}');
  });
});

describe('once', () => {
  it('runs the function one time and shares its promise', async () => {
    let runs = 0;
    const close = once(async () => void runs++);
    await Promise.all([close(), close()]);
    await close();
    expect(runs).toBe(1);
  });
});

describe('quitAfterShutdown', () => {
  class FakeApp extends EventEmitter implements QuitApp {
    quits = 0;
    quit(): void {
      this.quits++;
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      this.emit('before-quit', event);
      if (!event.prevented) this.emit('quit');
    }
  }

  it('holds the quit until shutdown finishes, runs it once, then quits', async () => {
    const app = new FakeApp();
    let finish!: () => void;
    let shutdowns = 0;
    const quitted = new Promise<void>((r) => app.once('quit', () => r()));
    quitAfterShutdown(
      app,
      () => {
        shutdowns++;
        return new Promise<void>((r) => (finish = r));
      },
      () => {},
    );
    app.quit();
    app.quit(); // asked again while closing
    expect(shutdowns).toBe(1);
    expect(app.listenerCount('quit')).toBe(1); // not yet quit
    finish();
    await quitted;
    expect(shutdowns).toBe(1);
  });

  it('still quits when shutdown fails, and reports the failure', async () => {
    const app = new FakeApp();
    const errors: unknown[] = [];
    const quitted = new Promise<void>((r) => app.once('quit', () => r()));
    quitAfterShutdown(
      app,
      () => Promise.reject(new Error('disk gone')),
      (e) => errors.push(e),
    );
    app.quit();
    await quitted;
    expect(String(errors[0])).toContain('disk gone');
  });
});

describe('openBackend', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  it('opens the database in the profile and embeds through the worker host, then closes both once', async () => {
    const tmp = makeTempDir('hippo-backend-');
    cleanups.push(tmp.cleanup);
    const backend = openBackend({
      env: { HIPPO_USER_DATA_DIR: tmp.dir, HIPPO_MODEL_DIR: LEXICAL_MODEL_DIR },
      hostFactory: nodeWorkerHostFactory({}),
    });
    expect(backend.dbPath).toBe(join(tmp.dir, 'hippo.db'));
    expect(existsSync(backend.dbPath)).toBe(true);

    await backend.memory.encode({ content: 'The spare key is under the blue pot' });
    const results = await backend.memory.recall('blue pot key');
    expect(backend.memory.mode).toBe('hybrid');
    expect(results[0]?.content).toBe('The spare key is under the blue pot');

    await Promise.all([backend.close(), backend.close()]);
    await expect(backend.embedder.embed(['after close'])).rejects.toThrow();
  });
});
