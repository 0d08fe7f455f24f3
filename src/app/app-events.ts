// The events the app's elements send up to <tcp-playground>, which turns them into controller
// calls. All bubble and cross shadow roots. Elements never call the worker themselves.
import type { FaultConfig, FaultDirection, FaultRule } from '../../workers/api.ts';
import type { ProfileName } from '../../workers/tcp/settings.ts';

export interface JoinRequestDetail {
  url: string;
  room: string;
  name: string;
  profile: ProfileName;
}

export interface OfflineRequestDetail {
  hosts: number;
  profile: ProfileName;
}

export type SocketActionDetail =
  | { action: 'listen' | 'unlisten' | 'accept'; host: number; port: number }
  | { action: 'connect'; host: number; remoteAddr: string; remotePort: number; localPort?: number }
  | { action: 'send-text'; host: number; conn: number; text: string }
  | { action: 'send-file'; host: number; conn: number; bytes: number }
  | { action: 'read' | 'auto-read' | 'shutdown' | 'close' | 'abort'; host: number; conn: number };

export type FaultActionDetail =
  | { action: 'set'; host: number; dir: FaultDirection; config: FaultConfig }
  | { action: 'add-rule'; host: number; dir: FaultDirection; rule: FaultRule }
  | { action: 'remove-rule'; host: number; dir: FaultDirection; id: number }
  | { action: 'clear-rules'; host: number; dir: FaultDirection };

export type HoldActionDetail =
  | { action: 'hold'; host: number; on: boolean }
  | { action: 'release-all'; host: number }
  | { action: 'release' | 'drop' | 'duplicate'; host: number; id: number }
  | { action: 'move'; host: number; id: number; index: number };

export type TimeActionDetail = { action: 'factor'; factor: number } | { action: 'pause' | 'resume' | 'step' };

export type SessionActionDetail =
  | { action: 'open' | 'delete' | 'export-json' | 'continue'; id: number }
  | { action: 'export-pcap'; id: number; host: string | null }
  | { action: 'clear' }
  | { action: 'import'; file: File };

export interface HostPickDetail {
  address: string;
  port: number | null;
}

export interface ConnSelectDetail {
  key: string;
}

export interface NoticeDismissDetail {
  id: number;
}

export function appEvent<K extends keyof AppEventMap>(type: K, detail: AppEventMap[K]['detail']): AppEventMap[K] {
  return new CustomEvent(type, { detail, bubbles: true, composed: true }) as AppEventMap[K];
}

export interface AppEventMap {
  'join-request': CustomEvent<JoinRequestDetail>;
  'offline-request': CustomEvent<OfflineRequestDetail>;
  'socket-action': CustomEvent<SocketActionDetail>;
  'fault-action': CustomEvent<FaultActionDetail>;
  'hold-action': CustomEvent<HoldActionDetail>;
  'time-action': CustomEvent<TimeActionDetail>;
  'session-action': CustomEvent<SessionActionDetail>;
  'host-pick': CustomEvent<HostPickDetail>;
  'conn-select': CustomEvent<ConnSelectDetail>;
  'notice-dismiss': CustomEvent<NoticeDismissDetail>;
}

declare global {
  interface HTMLElementEventMap extends AppEventMap {}
}
