/** The slice of Electron's globalShortcut the hotkey needs, so tests can pass a fake OS. */
export interface ShortcutRegistry {
  /** False when another app holds the shortcut; throws when the accelerator is not one. */
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

/** What became of a requested shortcut. */
export type HotkeyOutcome = { status: 'active' } | { status: 'taken' | 'invalid'; message: string };

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

  /**
   * Startup: takes this accelerator; on failure no shortcut is held and `error` says why (a bad
   * accelerator read from a hand-edited file included).
   */
  apply(accelerator: string): string | null {
    const outcome = this.change(accelerator);
    if (outcome.status === 'invalid') {
      this.release();
      this.problem = outcome.message;
    }
    return outcome.status === 'active' ? null : outcome.message;
  }

  /**
   * A change asked for in Settings. A bad accelerator changes nothing (the old shortcut stays held,
   * `error` stays as it was); a free one replaces the old; one another app holds lets go of the old
   * anyway, since the user chose the new one, and `error` says it is taken.
   */
  change(accelerator: string): HotkeyOutcome {
    if (accelerator === this.registered) return { status: 'active' };
    let ok: boolean;
    try {
      // Registered before the old one is let go, so a bad accelerator leaves the old one working.
      ok = this.registry.register(accelerator, this.onPress);
    } catch (err) {
      return {
        status: 'invalid',
        message: `The shortcut "${accelerator}" is not a valid key combination (${(err as Error).message}).`,
      };
    }
    this.release();
    if (!ok) {
      this.problem = `The shortcut "${accelerator}" is already used by another app; choose another in Settings.`;
      return { status: 'taken', message: this.problem };
    }
    this.registered = accelerator;
    this.problem = null;
    return { status: 'active' };
  }

  /** Lets go of the shortcut (on quit, or before taking a new one). */
  release(): void {
    if (this.registered !== null) this.registry.unregister(this.registered);
    this.registered = null;
  }
}
