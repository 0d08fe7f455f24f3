// The root's own layout: the header, the sidebar and main view side by side, the drawers, the
// reload offer. Presentation mode widens the sidebar (the root carries the attribute).
import { css } from 'lit';

export const playgroundStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    height: 100vh;
    height: 100dvh;
    overflow: hidden;
  }
  .body {
    flex: 1 1 auto;
    min-height: 0;
    display: grid;
    grid-template-columns: minmax(300px, 340px) minmax(0, 1fr);
  }
  :host([presentation]) .body {
    grid-template-columns: minmax(340px, 420px) minmax(0, 1fr);
  }
  .body.full {
    grid-template-columns: minmax(0, 1fr);
  }
  pg-main-view {
    padding: 6px;
    min-height: 0;
  }
  .scroll {
    flex: 1 1 auto;
    overflow: auto;
  }
  .resume {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em 1em;
    align-items: center;
    padding: 0.45em 0.8em;
    background: var(--tcp-selected-bg);
    border-bottom: 1px solid var(--tcp-accent);
  }
  .resume strong {
    font-weight: 600;
  }
  pg-notices {
    position: fixed;
    right: 12px;
    bottom: 12px;
    z-index: 10;
  }
  .drawer {
    position: fixed;
    top: 0;
    right: 0;
    bottom: 0;
    width: min(40em, 100vw);
    z-index: 5;
    background: var(--tcp-bg);
    border-left: 1px solid var(--tcp-border);
    box-shadow: -4px 0 18px rgb(0 0 0 / 0.2);
    display: flex;
    flex-direction: column;
  }
  .drawer[hidden] {
    display: none;
  }
  .drawer header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    padding: 0.5em 0.8em;
    border-bottom: 1px solid var(--tcp-border);
  }
  .drawer h2 {
    margin: 0;
    font-size: 1.1em;
  }
  .drawer.wide {
    width: min(64em, 100vw);
  }
  .drawer-body {
    padding: 0.5em 0.8em;
    overflow: auto;
  }
  .drawer pg-sessions-panel {
    padding: 0.5em 0.8em;
    overflow: auto;
  }
  .sessions-block {
    max-width: 44em;
    margin: 0 auto 2em;
    padding: 0 1em;
  }
  .sessions-block h2 {
    font-size: 1.1em;
  }
  button {
    font: inherit;
  }
  button.primary {
    background: var(--tcp-accent);
    border-color: var(--tcp-accent);
    color: #fff;
    font-weight: 600;
  }
`;
