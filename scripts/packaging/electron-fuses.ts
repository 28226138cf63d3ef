import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';
import type { AfterPackContext } from 'electron-builder';

/**
 * Fuses are switches compiled into the Electron binary; flipping them off removes whole ways of
 * running other code with Hippo's identity (and its keychain/file access) that no setting can undo:
 * - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the app into a plain Node interpreter.
 * - NODE_OPTIONS and --inspect off: no injecting scripts or a debugger through env or command line.
 * - OnlyLoadAppFromAsar + asar integrity on: the app runs only from its own archive, and (on macOS
 *   and Windows) only if that archive matches the hash recorded at build time.
 * Fuses left unnamed keep Electron's defaults; GrantFileProtocolExtraPrivileges in particular stays
 * on because the renderer is loaded from file:// and its module scripts need it.
 */
export const HIPPO_FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
} as const satisfies FuseV1Config;

export function hippoFuseConfig(electronPlatformName: string): FuseV1Config {
  // Rewriting the binary breaks its ad-hoc signature, which arm64 macOS refuses to run; electron-builder
  // signs properly after this hook, and an unsigned dev build still needs the ad-hoc one restored.
  const darwin = electronPlatformName === 'darwin' || electronPlatformName === 'mas';
  return { ...HIPPO_FUSES, resetAdHocDarwinSignature: darwin };
}

/**
 * electron-builder afterPack hook: runs on the unpacked app before signing, which is the only
 * moment fuses can change without invalidating a signature. The packager finds the binary.
 */
export async function flipHippoFuses(context: AfterPackContext): Promise<void> {
  await context.packager.addElectronFuses(context, hippoFuseConfig(context.electronPlatformName));
}
