// Colours, type and focus for every element, as CSS custom properties. The palette is set where a
// `theme` attribute is: on the app's root (<tcp-playground theme=… presentation>), or on an
// element used on its own. Custom properties inherit through shadow roots, so every element
// inside takes the root's palette without a property of its own. Light is theme="light";
// theme="dark" for dark; theme="auto" follows the system. The `presentation` attribute beside
// it enlarges type, strokes and rows for a projector. A page may set any --tcp-* variable on an
// ancestor instead.
import { css } from 'lit';

const light = css`
  color-scheme: light;
  --tcp-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  --tcp-mono: ui-monospace, 'SF Mono', 'Cascadia Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace;
  --tcp-font-size: 14px;
  --tcp-small: 12px;
  --tcp-stroke: 1.5;
  --tcp-log-row: 24px;
  --tcp-ladder-row: 30px;
  --tcp-diagram-label: 18px;
  --tcp-diagram-state: 20px;
  --tcp-figures-grow: 1.15;
  --tcp-bg: #ffffff;
  --tcp-panel: #f6f8fa;
  --tcp-fg: #1f2328;
  --tcp-muted: #59636e;
  --tcp-border: #d1d9e0;
  --tcp-grid: #eaeef2;
  --tcp-accent: #0969da;
  --tcp-active: #0969da;
  --tcp-passive: #8250df;
  --tcp-path: #bc4c00;
  --tcp-current: #bc4c00;
  --tcp-current-bg: #fff1e5;
  --tcp-selected-bg: #ddf4ff;
  --tcp-hover-bg: #f3f4f6;
  --tcp-drop: #cf222e;
  --tcp-retrans: #9a6700;
  --tcp-dup: #8250df;
  --tcp-ok: #1a7f37;
  --tcp-seq: #0969da;
  --tcp-ack: #1a7f37;
  --tcp-win: #9a6700;
  --tcp-cwnd: #0969da;
  --tcp-ssthresh: #cf222e;
  --tcp-field-bg: #fff8c5;
  --tcp-focus: #0969da;
`;

const dark = css`
  color-scheme: dark;
  --tcp-bg: #0d1117;
  --tcp-panel: #161b22;
  --tcp-fg: #e6edf3;
  --tcp-muted: #8d96a0;
  --tcp-border: #30363d;
  --tcp-grid: #21262d;
  --tcp-accent: #4493f8;
  --tcp-active: #4493f8;
  --tcp-passive: #c297ff;
  --tcp-path: #f0883e;
  --tcp-current: #f0883e;
  --tcp-current-bg: #3d2a12;
  --tcp-selected-bg: #1f3a5f;
  --tcp-hover-bg: #1c2128;
  --tcp-drop: #ff7b72;
  --tcp-retrans: #e3b341;
  --tcp-dup: #d2a8ff;
  --tcp-ok: #3fb950;
  --tcp-seq: #4493f8;
  --tcp-ack: #3fb950;
  --tcp-win: #e3b341;
  --tcp-cwnd: #4493f8;
  --tcp-ssthresh: #ff7b72;
  --tcp-field-bg: #5a4a00;
  --tcp-focus: #79c0ff;
`;

const presentation = css`
  --tcp-font-size: 20px;
  --tcp-small: 17px;
  --tcp-stroke: 2.5;
  --tcp-log-row: 32px;
  --tcp-ladder-row: 42px;
  --tcp-diagram-label: 20px;
  --tcp-diagram-state: 21px;
  --tcp-figures-grow: 1.7;
`;

export const theme = css`
  :host([theme]) {
    ${light}
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${dark}
    }
  }
  :host([presentation]) {
    ${presentation}
  }
  :host {
    display: block;
    box-sizing: border-box;
    font-family: var(--tcp-font);
    font-size: var(--tcp-font-size);
    color: var(--tcp-fg);
    background: var(--tcp-bg);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 3px solid var(--tcp-focus);
    outline-offset: 2px;
  }
  button,
  select,
  input {
    font: inherit;
    color: inherit;
  }
  button,
  select {
    background: var(--tcp-panel);
    border: 1px solid var(--tcp-border);
    border-radius: 6px;
    padding: 0.15em 0.6em;
    cursor: pointer;
  }
  button[aria-pressed='true'] {
    background: var(--tcp-selected-bg);
    border-color: var(--tcp-accent);
  }
  .mono {
    font-family: var(--tcp-mono);
  }
  .muted {
    color: var(--tcp-muted);
  }
  .empty {
    padding: 1em;
    color: var(--tcp-muted);
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
`;
