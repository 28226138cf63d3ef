/** The slice of Electron's globalShortcut the hotkey needs, so tests can pass a fake OS. */
export interface ShortcutRegistry {
  /** False when another app holds the shortcut; throws when the accelerator is not one. */
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

/**
 * The one global shortcut that opens quick capture. A shortcut another app already holds is not an
 * error the app can fix, so it is kept as a sentence the settings screen shows (app:info hotkey_error)
 * while everything else keeps working.
 */
export class GlobalHotkey {
  private registered: string | null = null;
  private problem: string | null = null;

  constructor(
    private readonly registry: ShortcutRegistry,
    private readonly onPress: () => void,
  ) {}

  /** Why the configured shortcut is not active; null while it is. */
  get error(): string | null {
    return this.problem;
  }

  /** The accelerator that is active now, if any. */
  get active(): string | null {
    return this.registered;
  }

  /** Swaps to this accelerator; on failure no shortcut is held and `error` says why. */
  apply(accelerator: string): string | null {
    this.release();
    let ok: boolean;
    try {
      ok = this.registry.register(accelerator, this.onPress);
    } catch (err) {
      this.problem = `The shortcut "${accelerator}" is not a valid key combination (${(err as Error).message}).`;
      return this.problem;
    }
    if (!ok) {
      this.problem = `The shortcut "${accelerator}" is already used by another app; choose another in Settings.`;
      return this.problem;
    }
    this.registered = accelerator;
    this.problem = null;
    return null;
  }

  /** Lets go of the shortcut (on quit, or before taking a new one). */
  release(): void {
    if (this.registered !== null) this.registry.unregister(this.registered);
    this.registered = null;
  }
}
