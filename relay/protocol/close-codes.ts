// WebSocket close codes of the relay protocol. 4000–4999 are for applications (RFC 6455 §7.4.2);
// each one below is documented in PROTOCOL.md §6 with its reason text. The reasons are short
// sentences a UI can show as they are (a close reason may hold at most 123 bytes).

export const CloseCode = {
  /** Standard: a client leaves on purpose. */
  NORMAL: 1000,
  /** Standard: the relay is shutting down. */
  GOING_AWAY: 1001,
  /** Standard, never sent: what a client's WebSocket reports when the connection was cut or
   *  never opened (RFC 6455 §7.4.1). */
  ABNORMAL: 1006,
  /** Standard, sent by the ws library itself: a message above maxPayload. */
  MESSAGE_TOO_BIG: 1009,
  /** Sent by a client, not the relay: the socket opened but no welcome came in time. */
  NO_WELCOME: 4000,
  /** The room query parameter is missing or not 1–32 of A-Z a-z 0-9 _ -. */
  BAD_ROOM: 4001,
  /** The name query parameter is missing, empty, too long, has unprintable or invisible
   *  characters, no letter or digit, or reads as a reserved name (names.ts). */
  BAD_NAME: 4002,
  /** The room has maxClientsPerRoom clients already. */
  ROOM_FULL: 4003,
  /** The relay has maxClients clients already. */
  RELAY_FULL: 4004,
  /** Over the rate limit for rateLimitCloseAfterSeconds seconds in a row. */
  RATE_LIMIT: 4005,
  /** The teacher query parameter does not match the room's teacher code, is too weak to
   *  become a room's code, or comes from a source that tried too many wrong codes. */
  BAD_TEACHER_CODE: 4006,
  /** The client's source address has maxClientsPerSource clients already. */
  SOURCE_FULL: 4007,
  /** The kind query parameter is neither absent, `client` nor `kernel` (messages.ts parseListedKind). */
  BAD_KIND: 4008,
} as const;

export const CloseReason = {
  GOING_AWAY: 'relay shutting down',
  ROOM_FULL: 'room full: ask the teacher for another room code',
  RELAY_FULL: 'relay full: too many clients connected',
  RATE_LIMIT: 'closed: sending far above the rate limit for too long',
  BAD_TEACHER_CODE: 'wrong teacher code: check it, or join without it as a student',
  WEAK_TEACHER_CODE: 'weak teacher code: use 8-32 of A-Z 2-9 without I L O, not all the same',
  TEACHER_CODE_RATE_LIMIT: 'too many wrong teacher codes from your address: wait a minute and try again',
  SOURCE_FULL: 'too many connections from your address: close some tabs',
} as const;
