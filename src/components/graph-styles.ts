// Styles shared by the graphs.
import { css } from 'lit';

export const graphStyles = css`
  :host {
    position: relative;
    min-height: 200px;
    height: 320px;
  }
  svg {
    position: absolute;
    inset: 0;
    display: block;
  }
  .grid {
    stroke: var(--tcp-grid);
    stroke-width: 1;
  }
  .plot {
    fill: none;
    stroke: var(--tcp-border);
  }
  .tick {
    fill: var(--tcp-muted);
    font-size: var(--tcp-small);
    font-family: var(--tcp-mono);
  }
  .title {
    fill: var(--tcp-muted);
    font-size: var(--tcp-small);
  }
  .zoombox {
    fill: var(--tcp-selected-bg);
    fill-opacity: 0.6;
    stroke: var(--tcp-accent);
  }
  .unzoom {
    position: absolute;
    top: 16px;
    right: 22px;
    font-size: var(--tcp-small);
  }
  svg:focus-visible {
    outline: 3px solid var(--tcp-focus);
    outline-offset: -3px;
  }
  .legend {
    position: absolute;
    top: 16px;
    left: 92px;
    background: color-mix(in srgb, var(--tcp-bg) 85%, transparent);
    border-radius: 4px;
    display: flex;
    flex-wrap: wrap;
    gap: 0.2em 1.2em;
    font-size: var(--tcp-small);
    color: var(--tcp-muted);
    padding: 0.2em 0.5em;
  }
  .legend i {
    display: inline-block;
    width: 1.6em;
    height: 0;
    border-top: 3px solid currentColor;
    vertical-align: middle;
    margin-right: 0.3em;
  }
`;
