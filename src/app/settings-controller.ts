// The user's settings (theme, presentation, the join form's values, auto-accept and auto-read,
// the sidebar), kept in the session store across reloads. Applying them sets the root's theme
// and presentation attributes (the palette every element inherits, components/theme.ts) and the
// socket preferences.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DEFAULT_SETTINGS } from '../../workers/persistence/types.ts';
import type { Settings } from '../../workers/persistence/types.ts';
import type { ThemeName } from '../components/base.ts';
import type { SocketPrefs } from './socket-views.ts';

/** Where settings are loaded from and saved to (SessionStore). */
export interface SettingsStore {
  loadSettings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<void>;
}

/** The element the theme goes on: the app's root, whose attributes its subtree inherits. */
export interface ThemedHost extends ReactiveControllerHost {
  theme: ThemeName;
  presentation: boolean;
}

const THEMES: readonly ThemeName[] = ['auto', 'light', 'dark'];

export class SettingsController implements ReactiveController {
  settings: Settings = { ...DEFAULT_SETTINGS };
  private store: SettingsStore | null = null;

  constructor(
    private readonly host: ThemedHost,
    private readonly prefs: SocketPrefs,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** Read the saved settings (they apply once apply() is called). */
  async load(store: SettingsStore): Promise<void> {
    this.store = store;
    this.settings = await store.loadSettings();
  }

  apply(): void {
    this.host.theme = this.settings.theme;
    this.host.presentation = this.settings.presentation;
    this.prefs.autoAccept = this.settings.autoAccept;
    this.prefs.autoRead = this.settings.autoRead;
    this.host.requestUpdate();
  }

  /** Change and remember. */
  save(patch: Partial<Settings>): void {
    this.settings = { ...this.settings, ...patch };
    this.apply();
    void this.store?.saveSettings(this.settings).catch(() => {});
  }

  /** Change for this page only (a link's room, name or relay), not remembered. */
  override(patch: Partial<Settings>): void {
    this.settings = { ...this.settings, ...patch };
    this.host.requestUpdate();
  }

  /** The theme button: auto → light → dark → auto. */
  nextTheme(): void {
    this.save({ theme: THEMES[(THEMES.indexOf(this.settings.theme) + 1) % THEMES.length]! });
  }

  /**
   * The presentation button. A projector wants the figures: presentation starts with the controls
   * folded away ("Controls" brings them back).
   */
  togglePresentation(): void {
    const on = !this.settings.presentation;
    this.save(on ? { presentation: true, sidebar: false } : { presentation: false });
  }

  toggleSidebar(): void {
    this.save({ sidebar: !this.settings.sidebar });
  }
}
