import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, matchesGlob, relative } from 'node:path';

import { FuseV1Options, FuseVersion } from '@electron/fuses';
import type { AfterPackContext } from 'electron-builder';
import { describe, expect, it } from 'vitest';

import builderConfig, { ASAR_UNPACK } from '../../../scripts/packaging/electron-builder.config';
import { flipHippoFuses, HIPPO_FUSES, hippoFuseConfig } from '../../../scripts/packaging/electron-fuses';
import { REPO_ROOT } from './build-app';

const CONFIG_PATH = join(REPO_ROOT, 'scripts/packaging/electron-builder.config.ts');

/** Every native file the app loads at run time, as electron-builder sees it (relative to the app). */
function nativeFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(node|so|so\.\d+.*|dylib|dll)$/.test(name)) found.push(relative(REPO_ROOT, full));
    }
  };
  const modules = join(REPO_ROOT, 'node_modules');
  for (const pkg of readdirSync(modules)) {
    if (/^(better-sqlite3|sqlite-vec(-.+)?|onnxruntime-node)$/.test(pkg)) walk(join(modules, pkg));
  }
  return found;
}

describe('electron-builder config', () => {
  it('unpacks the native modules from the asar', () => {
    expect(builderConfig.asarUnpack).toEqual([...ASAR_UNPACK]);
    for (const glob of [
      '**/node_modules/better-sqlite3/**',
      '**/node_modules/sqlite-vec/**',
      '**/node_modules/sqlite-vec-*/**',
      '**/node_modules/onnxruntime-node/bin/**',
    ]) {
      expect(ASAR_UNPACK).toContain(glob);
    }
  });

  it('matches every native binary installed here with an unpack glob', () => {
    const files = nativeFiles();
    // better-sqlite3's addon, sqlite-vec's loadable extension and onnxruntime's binding + library.
    expect(files.some((f) => f.includes('better_sqlite3.node'))).toBe(true);
    expect(files.some((f) => /sqlite-vec-[^/]+\/vec0\./.test(f))).toBe(true);
    expect(files.some((f) => f.includes('onnxruntime_binding.node'))).toBe(true);
    for (const file of files) {
      expect(
        ASAR_UNPACK.some((glob) => matchesGlob(file, glob)),
        file,
      ).toBe(true);
    }
    expect(ASAR_UNPACK.some((glob) => matchesGlob('node_modules/react/index.js', glob))).toBe(false);
  });

  it('builds AppImage and deb on Linux, dmg on macOS, nsis on Windows', () => {
    expect(builderConfig.linux?.target).toEqual(['AppImage', 'deb']);
    expect(builderConfig.mac?.target).toEqual(['dmg']);
    expect(builderConfig.win?.target).toEqual(['nsis']);
    expect(builderConfig.asar).toBe(true);
    expect(builderConfig.afterPack).toBe(flipHippoFuses);
  });

  it("names the Linux executable hippo-app, so the .deb's /usr/bin link never shadows the hippo CLI", () => {
    expect(builderConfig.linux?.executableName).toBe('hippo-app');
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin?: object };
    expect(Object.keys(pkg.bin ?? {})).toContain('hippo');
  });

  it("passes electron-builder's own schema validation", async () => {
    // The config is loaded the way `electron-builder --config` loads it, then checked against its schema,
    // so a misspelt option fails here rather than at release time.
    const require = createRequire(join(REPO_ROOT, 'node_modules/electron-builder/package.json'));
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      getConfig: (dir: string, path: string, options: null) => Promise<Record<string, unknown>>;
      validateConfiguration: (config: unknown, logger: { isEnabled: boolean }) => Promise<void>;
    };
    const loaded = await getConfig(REPO_ROOT, CONFIG_PATH, null);
    expect(loaded.asarUnpack).toEqual([...ASAR_UNPACK]);
    await expect(validateConfiguration(loaded, { isEnabled: false })).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...loaded, asarUnpak: ['x'] }, { isEnabled: false }),
    ).rejects.toThrow(/schema/);
  });

  it('npm run dist builds first, then packages with this config', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.dist).toBe(
      'npm run build && electron-builder --config scripts/packaging/electron-builder.config.ts',
    );
  });
});

describe('electron fuses', () => {
  it('turns off every way to run other code as Hippo and pins the app to its asar', () => {
    expect(HIPPO_FUSES.version).toBe(FuseVersion.V1);
    expect(HIPPO_FUSES[FuseV1Options.RunAsNode]).toBe(false);
    expect(HIPPO_FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(HIPPO_FUSES[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(HIPPO_FUSES[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(HIPPO_FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    // file:// module scripts of the renderer need this one left at its default.
    expect(FuseV1Options.GrantFileProtocolExtraPrivileges in HIPPO_FUSES).toBe(false);
  });

  it('afterPack hands the fuse config to the packager, resetting the ad-hoc signature on macOS only', async () => {
    const calls: { platform: string; fuses: unknown }[] = [];
    for (const platform of ['linux', 'win32', 'darwin']) {
      const context = {
        electronPlatformName: platform,
        appOutDir: `/tmp/out-${platform}`,
        packager: {
          addElectronFuses: (_ctx: unknown, fuses: unknown) => {
            calls.push({ platform, fuses });
            return Promise.resolve(0);
          },
        },
      } as unknown as AfterPackContext;
      await flipHippoFuses(context);
    }
    expect(calls).toEqual([
      { platform: 'linux', fuses: { ...HIPPO_FUSES, resetAdHocDarwinSignature: false } },
      { platform: 'win32', fuses: { ...HIPPO_FUSES, resetAdHocDarwinSignature: false } },
      { platform: 'darwin', fuses: { ...HIPPO_FUSES, resetAdHocDarwinSignature: true } },
    ]);
    expect(hippoFuseConfig('mas').resetAdHocDarwinSignature).toBe(true);
  });
});
