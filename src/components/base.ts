// What every element shares: the theme attributes and the theme's styles.
import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';

export type ThemeName = 'light' | 'dark' | 'auto';

export class TcpElement extends LitElement {
  /** 'light' (default), 'dark', or 'auto' to follow the system setting. */
  @property({ reflect: true }) theme: ThemeName = 'light';
  /** Larger type and strokes for a projector. */
  @property({ type: Boolean, reflect: true }) presentation = false;
}
