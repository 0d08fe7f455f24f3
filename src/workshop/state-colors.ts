// One colour per TCP state family, shared by the workshop elements: opening (blue), open (green),
// closing (orange), TIME-WAIT (purple), listening and closed (grey). Text stays on the chip as
// well, so colour is never the only cue (projectors wash colours out; some students are colour-blind).
import { css } from 'lit';
import type { TcpState } from '../../workers/tcp/state.ts';

export function stateFamily(s: TcpState): 'listen' | 'opening' | 'open' | 'closing' | 'time-wait' | 'closed' {
  switch (s) {
    case 'LISTEN':
      return 'listen';
    case 'SYN-SENT':
    case 'SYN-RECEIVED':
      return 'opening';
    case 'ESTABLISHED':
      return 'open';
    case 'TIME-WAIT':
      return 'time-wait';
    case 'CLOSED':
      return 'closed';
    default:
      return 'closing';
  }
}

export const stateChips = css`
  .state {
    display: inline-block;
    font-family: var(--tcp-mono);
    font-size: var(--tcp-small);
    font-weight: 600;
    padding: 0.1em 0.45em;
    border-radius: 4px;
    border: 1px solid currentColor;
    white-space: nowrap;
  }
  .state[data-family='listen'],
  .state[data-family='closed'] {
    color: var(--tcp-muted);
  }
  .state[data-family='opening'] {
    color: var(--tcp-active);
  }
  .state[data-family='open'] {
    color: var(--tcp-ok);
  }
  .state[data-family='closing'] {
    color: var(--tcp-path);
  }
  .state[data-family='time-wait'] {
    color: var(--tcp-passive);
  }
`;
