// What the app keeps in IndexedDB: its settings, and every session's trace. A session is one
// join (or one offline start) until leave or reload; its records are the worker's TraceRecords
// exactly as they arrived, so a saved session can be shown with the same model and components
// as a live one, exported as JSON, or turned into a pcap file.
import type { StoredRecord } from './compact.ts';

export type SessionMode = 'relay' | 'offline';

/** A local host of the session: its address and hostname as the worker reported them. */
export interface SessionHost {
  address: string;
  hostname: string;
}

export interface SessionMeta {
  /** Assigned by IndexedDB when the session is created. */
  id: number;
  /** Wall-clock ms. */
  startedAt: number;
  /** Set by leave(); null for a session that ended by reload or crash (or is still running). */
  endedAt: number | null;
  mode: SessionMode;
  /** Relay sessions: the room, display name and relay URL they joined with. */
  room: string | null;
  name: string | null;
  url: string | null;
  /** Stack profile chosen at join ('modern', 'textbook'). */
  profile: string | null;
  hosts: SessionHost[];
  /** Records and segment events stored so far. */
  records: number;
  segments: number;
  /** Wall-clock time of the newest record stored. */
  lastReal: number | null;
  /** Came from an imported file rather than from this browser's own worker. */
  imported: boolean;
}

export type NewSession = Omit<SessionMeta, 'id'>;

/** A run of consecutive records, stored as one IndexedDB value (one put per batch, not per event). */
export interface TraceChunk {
  session: number;
  /** seq of the first record: with `session`, the chunk's key, so chunks read back in order. */
  first: number;
  /** Its records packed into bytes (record-pack.ts). */
  packed?: Uint8Array;
  /** Databases written before packing: the records as objects (compact.ts). */
  records?: StoredRecord[];
}

export type Theme = 'light' | 'dark' | 'auto';

/** The user's choices, remembered across reloads. */
export interface Settings {
  theme: Theme;
  presentation: boolean;
  relayUrl: string;
  room: string;
  name: string;
  profile: 'modern' | 'textbook';
  /** Accept every connection waiting on a listening port at once. */
  autoAccept: boolean;
  /** Let the worker read everything that arrives (off: data waits in the receive buffer). */
  autoRead: boolean;
  /** Collapse the control sidebar. */
  sidebar: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  theme: 'auto',
  presentation: false,
  relayUrl: '',
  room: '',
  name: '',
  profile: 'modern',
  autoAccept: true,
  autoRead: true,
  sidebar: true,
};
