// Persistence: settings and every session's trace in IndexedDB, JSON and pcap export.
export * from './types.ts';
export { openPlaygroundDb } from './db.ts';
export type { PlaygroundDb } from './db.ts';
export { SessionStore } from './session-store.ts';
export { encodeSessionFile, decodeSessionFile } from './session-file.ts';
export { sessionPcap, pcapPacketCount } from './pcap-export.ts';
