// Styles the app's own elements share: panels, forms, small tables, in the theme's variables
// (src/components/theme.ts), so light, dark and presentation mode apply to the shell as to the
// display components.
import { css } from 'lit';

export const appStyles = css`
  :host {
    background: transparent;
  }
  h2,
  h3 {
    font-size: 1em;
    margin: 0 0 0.4em;
  }
  form,
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.4em 0.6em;
  }
  label {
    display: inline-flex;
    flex-direction: column;
    gap: 0.15em;
    font-size: var(--tcp-small);
    color: var(--tcp-muted);
  }
  label.inline {
    flex-direction: row;
    align-items: center;
    gap: 0.35em;
    color: var(--tcp-fg);
    font-size: 1em;
  }
  input:not([type='checkbox']):not([type='radio']),
  textarea,
  select {
    background: var(--tcp-bg);
    color: var(--tcp-fg);
    border: 1px solid var(--tcp-border);
    border-radius: 6px;
    padding: 0.25em 0.45em;
    font: inherit;
    min-width: 0;
  }
  input[aria-invalid='true'] {
    border-color: var(--tcp-drop);
  }
  textarea {
    font-family: var(--tcp-mono);
    resize: vertical;
  }
  button {
    min-height: 1.9em;
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button.primary {
    background: var(--tcp-accent);
    border-color: var(--tcp-accent);
    color: #fff;
    font-weight: 600;
  }
  button.danger {
    color: var(--tcp-drop);
    border-color: var(--tcp-drop);
  }
  button.link {
    background: none;
    border: none;
    color: var(--tcp-accent);
    text-decoration: underline;
    padding: 0;
    min-height: 0;
  }
  .error {
    color: var(--tcp-drop);
    font-size: var(--tcp-small);
  }
  .hint {
    color: var(--tcp-muted);
    font-size: var(--tcp-small);
    margin: 0.2em 0;
  }
  .mono {
    font-family: var(--tcp-mono);
  }
  .num {
    font-variant-numeric: tabular-nums;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 0.2em 0.35em;
    border-bottom: 1px solid var(--tcp-grid);
    vertical-align: baseline;
  }
  th {
    color: var(--tcp-muted);
    font-weight: 600;
    font-size: var(--tcp-small);
  }
  .card {
    border: 1px solid var(--tcp-border);
    border-radius: 8px;
    padding: 0.5em 0.6em;
    background: var(--tcp-bg);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
