// The link's state in one sentence, for the trace's shell events and the page's header.
import type { LinkState } from './api.ts';

export function describeLink(s: LinkState): string {
  switch (s.status) {
    case 'idle':
      return 'not connected';
    case 'connecting':
      return `connecting to ${s.url} (room ${s.room}, attempt ${s.attempt})`;
    case 'joined':
      return s.addressChanged === null
        ? `joined room ${s.room} as ${s.hostname} (${s.address}); ${s.hosts.length} other host(s)`
        : `rejoined room ${s.room}, but the relay gave us ${s.addressChanged.relayAddress} while this host is ` +
            `${s.addressChanged.hostAddress}: its frames are dropped until it adopts the new address (its connections are then lost)`;
    case 'reconnecting':
      return `link lost (${s.reason}); reconnecting in ${Math.ceil(s.delayMs / 1000)} s (attempt ${s.attempt})`;
    case 'closed':
      return s.byUser ? `left: ${s.reason}` : `closed by the relay: ${s.reason} (code ${s.code})`;
  }
}
