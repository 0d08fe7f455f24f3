// The live session: joining a relay room or starting offline hosts, the link to the relay as the
// worker reports it, leaving, and the session sink (where persistence is told a session began,
// which hosts it has and that it ended). The store knows no storage.
import type { Remote } from 'comlink';
import type { LinkState, LocalHostInfo, Mode } from '../../workers/api.ts';
import type { HostInfo, HostStatusEntry } from '../../relay/protocol/messages.ts';
import { PROFILES } from '../../workers/tcp/settings.ts';
import type { ProfileName } from '../../workers/tcp/settings.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { NoticeCenter } from './notices.ts';
import type { HostControls } from './host-controls.ts';
import type { WorkerApi } from './worker-client.ts';

/** idle: nobody joined (join screen); connecting: waiting for the relay's welcome; live: a session runs. */
export type Phase = 'idle' | 'connecting' | 'live';

export interface JoinRequest {
  url: string;
  room: string;
  name: string;
  profile: ProfileName;
}

export interface SessionStart {
  mode: 'relay' | 'offline';
  room: string | null;
  name: string | null;
  url: string | null;
  profile: ProfileName;
  hosts: readonly LocalHostInfo[];
}

/**
 * Where the session is kept (persistence); the live session knows no storage. The worker has every
 * record, so the sink is told only from which one the session's trace starts.
 */
export interface SessionSink {
  begin(start: SessionStart, fromSeq: number): void;
  hosts(hosts: readonly LocalHostInfo[]): void;
  end(): void;
}

/** What a new session needs done by the other stores before it starts: a fresh trace, no sockets. */
export interface SessionReset {
  fresh(): Promise<void>;
  /** The seq the session's trace starts from (TraceStore.startSeq). */
  readonly startSeq: number;
}

export class LiveSession {
  phase: Phase = 'idle';
  mode: Mode = 'idle';
  link: LinkState = { status: 'idle' };
  /** Teachers: every other host's published status (WorkerUpdate.roomStatus). */
  roomStatus: HostStatusEntry[] = [];
  /** Why the last join failed before a welcome (bad name, room full, relay down), for the join screen. */
  joinError: string | null = null;
  private sink: SessionSink | null = null;
  private sessionOpen = false;
  private joinRequest: JoinRequest | null = null;
  private offlineProfile: ProfileName = 'modern';

  constructor(
    private readonly api: Remote<WorkerApi>,
    private readonly feed: ChangeFeed,
    private readonly notices: NoticeCenter,
    private readonly hosts: HostControls,
    private readonly reset: SessionReset,
  ) {}

  setSink(sink: SessionSink | null): void {
    this.sink = sink;
  }

  /** The other hosts in the room (relay mode): students and bots. */
  get roomHosts(): readonly HostInfo[] {
    return this.link.status === 'joined' ? this.link.hosts : [];
  }

  /** Join a relay room. Resolves false when the worker refused the request. */
  async join(req: JoinRequest): Promise<boolean> {
    this.endSession();
    await this.fresh();
    this.joinRequest = req;
    this.joinError = null;
    this.mode = 'relay';
    this.phase = 'connecting';
    this.feed.changed();
    const link = await this.notices.call('Join', this.api.join({ url: req.url, room: req.room, name: req.name, settings: { ...PROFILES[req.profile] } }));
    if (link === undefined) {
      this.mode = 'idle';
      this.phase = 'idle';
      this.feed.changed();
      return false;
    }
    if (this.link.status === 'idle') this.link = link;
    this.feed.changed();
    return true;
  }

  /** Two (or more) hosts in this tab on a simulated link. */
  async startOffline(hosts = 2, profile: ProfileName = 'modern'): Promise<boolean> {
    this.endSession();
    await this.fresh();
    this.joinRequest = null;
    this.joinError = null;
    this.offlineProfile = profile;
    const list = await this.notices.call('Offline mode', this.api.startOffline({ hosts, settings: { ...PROFILES[profile] } }));
    if (list === undefined) return false;
    this.mode = 'offline';
    this.phase = 'live';
    this.link = { status: 'idle' };
    this.hostsChanged(list);
    this.beginSession();
    this.feed.changed();
    return true;
  }

  /** End the session: leave the room (or stop offline mode). */
  async leave(): Promise<void> {
    if (this.mode === 'relay') await this.notices.call('Leave', this.api.leave(), true);
    else await this.notices.call('Stop', this.api.reset(), true);
    this.endSession();
    this.mode = 'idle';
    this.phase = 'idle';
    this.hosts.clear();
    this.feed.changed();
  }

  async adoptRelayAddress(): Promise<void> {
    const info = await this.notices.call('Adopt address', this.api.adoptRelayAddress());
    if (info) this.notices.notify('info', `This host is now ${info.address}.`);
  }

  /** The worker's list of local hosts changed. */
  hostsChanged(list: LocalHostInfo[]): void {
    this.hosts.hostsChanged(list);
    if (this.sessionOpen) this.sink?.hosts(list);
  }

  linkChanged(link: LinkState): void {
    const before = this.link;
    this.link = link;
    if (this.mode !== 'relay') return;
    if (link.status === 'joined') {
      this.joinError = null;
      // A teacher arrived (or we rejoined): they get the whole picture, not just what changes next.
      if (this.phase !== 'live') {
        this.phase = 'live';
        this.beginSession();
      }
      if (link.addressChanged !== null && (before.status !== 'joined' || before.addressChanged === null)) {
        this.notices.notify('warning', `The relay gave you a new address (${link.addressChanged.relayAddress}); this host still has ${link.addressChanged.hostAddress}. Use “adopt address” to continue (open connections are lost).`);
      }
    } else if (link.status === 'closed' && !link.byUser) {
      if (this.phase === 'connecting') {
        // Refused before any welcome: back to the join screen, saying why.
        this.joinError = `The relay refused to let you in: ${link.reason || `connection closed (code ${link.code})`}`;
        this.phase = 'idle';
        this.mode = 'idle';
      } else this.notices.notify('error', `The relay closed the connection: ${link.reason || `code ${link.code}`}`);
    } else if (link.status === 'reconnecting' && this.phase === 'connecting' && link.attempt >= 2) {
      this.joinError = `Cannot reach the relay at ${link.url}: ${link.reason || 'no answer'}. Still trying; or work offline.`;
    }
  }

  dispose(): void {
    this.endSession();
  }

  /** A fresh trace and no room status or sockets: records of earlier sessions are not this one's. */
  private async fresh(): Promise<void> {
    await this.reset.fresh();
    this.roomStatus = [];
  }

  private beginSession(): void {
    if (this.sessionOpen) return;
    this.sessionOpen = true;
    const j = this.joinRequest;
    this.sink?.begin(
      {
        mode: this.mode === 'offline' ? 'offline' : 'relay',
        room: j?.room ?? null,
        name: j?.name ?? null,
        url: j?.url ?? null,
        profile: j?.profile ?? this.offlineProfile,
        hosts: this.hosts.hosts.map((h) => h.info),
      },
      this.reset.startSeq,
    );
  }

  private endSession(): void {
    if (!this.sessionOpen) return;
    this.sessionOpen = false;
    this.sink?.end();
  }
}
