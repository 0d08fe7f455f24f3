// Settings: applying them sets the root's theme and presentation attributes and the socket
// preferences; a change is remembered in the store; link parameters change this page only.
import { describe, expect, it } from 'vitest';
import { SettingsController } from './settings-controller.ts';
import type { SettingsStore, ThemedHost } from './settings-controller.ts';
import { DEFAULT_SETTINGS } from '../../workers/persistence/types.ts';
import type { Settings } from '../../workers/persistence/types.ts';

function setup(saved: Partial<Settings> = {}) {
  const host: ThemedHost & { updates: number } = {
    theme: 'light', presentation: false, updates: 0,
    addController: () => {}, removeController: () => {}, requestUpdate: () => void host.updates++, updateComplete: Promise.resolve(true),
  };
  const stored: Settings[] = [];
  const store: SettingsStore = { loadSettings: async () => ({ ...DEFAULT_SETTINGS, ...saved }), saveSettings: async (s) => void stored.push(s) };
  const prefs = { autoAccept: true, autoRead: true };
  return { host, store, stored, prefs, settings: new SettingsController(host, prefs) };
}

describe('SettingsController', () => {
  it('applies loaded settings to the root and the socket preferences', async () => {
    const { host, store, prefs, settings } = setup({ theme: 'dark', presentation: true, autoRead: false });
    await settings.load(store);
    settings.apply();
    expect(host).toMatchObject({ theme: 'dark', presentation: true });
    expect(prefs).toEqual({ autoAccept: true, autoRead: false });
  });

  it('cycles the theme auto → light → dark, and remembers each choice', async () => {
    const { host, store, stored, settings } = setup();
    await settings.load(store);
    settings.nextTheme();
    expect(host.theme).toBe('light');
    settings.nextTheme();
    expect(host.theme).toBe('dark');
    settings.nextTheme();
    expect(host.theme).toBe('auto');
    expect(stored.map((s) => s.theme)).toEqual(['light', 'dark', 'auto']);
  });

  it('folds the controls away when presentation starts, and leaves them when it ends', async () => {
    const { host, store, settings } = setup();
    await settings.load(store);
    settings.togglePresentation();
    expect(settings.settings).toMatchObject({ presentation: true, sidebar: false });
    expect(host.presentation).toBe(true);
    settings.toggleSidebar();
    settings.togglePresentation();
    expect(settings.settings).toMatchObject({ presentation: false, sidebar: true });
  });

  it('takes a link’s room without remembering it', async () => {
    const { host, store, stored, settings } = setup();
    await settings.load(store);
    const n = host.updates;
    settings.override({ room: 'lab' });
    expect(settings.settings.room).toBe('lab');
    expect(stored).toEqual([]);
    expect(host.updates).toBeGreaterThan(n);
  });
});
