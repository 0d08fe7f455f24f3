// The drawers over the main view: saved sessions, the class (teachers), the exercises. One of
// sessions and class is open at a time; Escape closes them. Keyboard users land in a drawer when
// it opens. The exercises drawer only hides: the workshop inside must see every trace event.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Focusable = ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };

export class Drawers implements ReactiveController {
  sessions = false;
  /** Teachers: the class drawer (every host's connections). */
  klass = false;
  exercises = false;

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') this.set({ sessions: false, klass: false });
  };

  constructor(private readonly host: Focusable) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener('keydown', this.onKey);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('keydown', this.onKey);
  }

  set(patch: Partial<Pick<Drawers, 'sessions' | 'klass' | 'exercises'>>): void {
    Object.assign(this, patch);
    this.host.requestUpdate();
  }

  /** Toggle the sessions drawer; `opening` runs before focus moves into it (a fresh list). */
  async toggleSessions(opening: () => Promise<void>): Promise<void> {
    this.set({ sessions: !this.sessions, klass: false });
    if (this.sessions) {
      await opening();
      await this.focusDrawer();
    }
  }

  async toggleClass(): Promise<void> {
    this.set({ klass: !this.klass, sessions: false });
    await this.host.updateComplete;
    if (this.klass) this.host.renderRoot.querySelector<HTMLElement>('.drawer header button')?.focus();
  }

  toggleExercises(): void {
    this.set({ exercises: !this.exercises, sessions: false, klass: false });
  }

  /** Keyboard users land in the drawer (Escape or Close leaves it). */
  private async focusDrawer(): Promise<void> {
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLElement>('.drawer header button')?.focus();
  }
}
