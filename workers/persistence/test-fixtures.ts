// Test support: a saved session's row as it starts, for tests that create sessions.
import type { NewSession } from './types.ts';

export function newSession(patch: Partial<NewSession> = {}): NewSession {
  return {
    startedAt: 1_700_000_000_000,
    endedAt: null,
    mode: 'offline',
    room: null,
    name: null,
    url: null,
    profile: 'modern',
    hosts: [],
    records: 0,
    segments: 0,
    lastReal: null,
    imported: false,
    ...patch,
  };
}
