// The relay's figures, as `relay.stats()` returns them and `GET /stats` serves them: the public
// part is counts only; the rooms (names, hosts, addresses) only with the admin token.
import type { HttpCounters } from './http-guard.ts';
import type { RoomSnapshot } from './rooms.ts';
import type { TrafficSnapshot } from './traffic.ts';

/** Why a connection was turned away before it joined a room. */
export const REFUSAL_REASONS = ['origin', 'bad-path', 'bad-room', 'bad-name', 'bad-kind', 'room-full', 'relay-full', 'shutting-down', 'source-full', 'join-rate'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Relay-wide event counts that are not per-frame traffic. */
export class RelayEvents {
  readonly refused = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>;
  heartbeatEvictions = 0;
  rateLimitCloses = 0;
  joins = 0;
  /** Teacher codes refused as wrong, or as too weak to become a room's code. */
  teacherCodeRefusals = 0;
  /** Teacher codes refused because their source had tried too many wrong ones. */
  teacherCodeRateLimited = 0;
  /** Capture files deleted to stay within pcapMaxTotalBytes / pcapMaxFiles. */
  pcapFilesDeleted = 0;
}

/** What anyone may read at /stats: counts, no names and no addresses. */
export interface PublicStats {
  startedAt: string;
  uptimeSeconds: number;
  /** WebSocket clients in rooms now. */
  clients: number;
  /** Bots and other in-process hosts in rooms now. */
  virtualHosts: number;
  roomCount: number;
  /** Clients that joined since the start. */
  joins: number;
  refused: Record<RefusalReason, number>;
  heartbeatEvictions: number;
  rateLimitCloses: number;
  teacherCodeRefusals: number;
  teacherCodeRateLimited: number;
  pcapFilesDeleted: number;
  /** Sum over all rooms, including rooms that have ended. */
  traffic: TrafficSnapshot;
  /** The HTTP server: open connections, refusals and errors (http-guard.ts). */
  http: HttpCounters;
}

/** Everything: the public counts and every room with its hosts. */
export interface RelayStats extends PublicStats {
  rooms: RoomSnapshot[];
}

export function buildStats(
  startedAt: Date,
  now: Date,
  clients: number,
  traffic: TrafficSnapshot,
  events: RelayEvents,
  http: HttpCounters,
  rooms: RoomSnapshot[],
): RelayStats {
  return {
    startedAt: startedAt.toISOString(),
    uptimeSeconds: Math.round((now.getTime() - startedAt.getTime()) / 100) / 10,
    clients,
    virtualHosts: rooms.reduce((n, r) => n + r.virtualHosts, 0),
    roomCount: rooms.length,
    joins: events.joins,
    refused: { ...events.refused },
    heartbeatEvictions: events.heartbeatEvictions,
    rateLimitCloses: events.rateLimitCloses,
    teacherCodeRefusals: events.teacherCodeRefusals,
    teacherCodeRateLimited: events.teacherCodeRateLimited,
    pcapFilesDeleted: events.pcapFilesDeleted,
    traffic,
    http: { ...http },
    rooms,
  };
}

/** The stats without the rooms. */
export function publicStats(stats: RelayStats): PublicStats {
  const { rooms: _rooms, ...counts } = stats;
  return counts;
}
