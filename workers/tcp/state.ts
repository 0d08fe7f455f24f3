// The eleven connection states, spelled as RFC 9293 §3.3.2 spells them.
export const STATES = [
  'CLOSED',
  'LISTEN',
  'SYN-SENT',
  'SYN-RECEIVED',
  'ESTABLISHED',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'CLOSE-WAIT',
  'CLOSING',
  'LAST-ACK',
  'TIME-WAIT',
] as const;
export type TcpState = (typeof STATES)[number];

/** RFC 9293 §3.3.2's description of each state, for tooltips and the inspector. */
export const STATE_DESCRIPTIONS: Record<TcpState, string> = {
  CLOSED: 'represents no connection state at all.',
  LISTEN: 'represents waiting for a connection request from any remote TCP peer and port.',
  'SYN-SENT': 'represents waiting for a matching connection request after having sent a connection request.',
  'SYN-RECEIVED':
    'represents waiting for a confirming connection request acknowledgment after having both received and sent a connection request.',
  ESTABLISHED:
    'represents an open connection, data received can be delivered to the user. The normal state for the data transfer phase of the connection.',
  'FIN-WAIT-1':
    'represents waiting for a connection termination request from the remote TCP peer, or an acknowledgment of the connection termination request previously sent.',
  'FIN-WAIT-2': 'represents waiting for a connection termination request from the remote TCP peer.',
  'CLOSE-WAIT': 'represents waiting for a connection termination request from the local user.',
  CLOSING: 'represents waiting for a connection termination request acknowledgment from the remote TCP peer.',
  'LAST-ACK':
    'represents waiting for an acknowledgment of the connection termination request previously sent to the remote TCP peer (this termination request sent to the remote TCP peer already included an acknowledgment of the termination request sent from the remote TCP peer).',
  'TIME-WAIT':
    'represents waiting for enough time to pass to be sure the remote TCP peer received the acknowledgment of its connection termination request and to avoid new connections being impacted by delayed segments from previous connections.',
};

/** The synchronized states (§3.10.7.4): both ISNs are known; any SYN is a challenge-ACK matter. */
export const SYNCHRONIZED: ReadonlySet<TcpState> = new Set([
  'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT',
]);
/** States in which data segments go out (§3.10.4: before ESTABLISHED, SENDs are queued). */
export const SENDS_DATA: ReadonlySet<TcpState> = new Set(['ESTABLISHED', 'CLOSE-WAIT', 'FIN-WAIT-1', 'CLOSING', 'LAST-ACK']);
/** States in which segment text is delivered to the user (§3.10.7.4, seventh step). */
export const RECEIVES_DATA: ReadonlySet<TcpState> = new Set(['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2']);
