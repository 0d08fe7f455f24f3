// The root's events, each handed to the store that owns its feature: children send events up
// (app-events.ts), nothing here keeps state but the join form's last values.
import type { SegmentSelectDetail } from '../components/events.ts';
import type { SessionMeta, Settings } from '../../workers/persistence/types.ts';
import type {
  ConnSelectDetail, FaultActionDetail, HoldActionDetail, HostPickDetail, JoinRequestDetail, NoticeDismissDetail,
  OfflineRequestDetail, SessionActionDetail, SocketActionDetail, TimeActionDetail,
} from './app-events.ts';
import type { HeaderAction } from './app-header.ts';
import { defaultRelayUrl } from './join-screen.ts';
import type { Playground } from './playground.ts';
import type { SettingsController } from './settings-controller.ts';
import type { SessionLibrary } from './session-library.ts';
import type { ViewSelection } from './view-selection.ts';
import type { Drawers } from './drawers.ts';
import type { TraceStore } from './trace-store.ts';
import { connKey } from '../model/keys.ts';

export interface AppParts {
  pg: Playground;
  settings: SettingsController;
  library: SessionLibrary;
  view: ViewSelection;
  drawers: Drawers;
  /** The trace on screen (live or archive), if any. */
  trace(): TraceStore | null;
}

export class AppActions {
  /** Joining from the join form: its values, so the form shows them while the link comes up. */
  join: JoinRequestDetail | null = null;

  constructor(private readonly parts: AppParts) {}

  /** Listen on the root for every event its children send. */
  listen(el: HTMLElement): void {
    const { pg, settings, view } = this.parts;
    const hosts = pg.hostControls;
    el.addEventListener('join-request', (e: CustomEvent<JoinRequestDetail>) => void this.startJoin(e.detail));
    el.addEventListener('offline-request', (e: CustomEvent<OfflineRequestDetail>) => void this.startOffline(e.detail));
    el.addEventListener('socket-action', (e: CustomEvent<SocketActionDetail>) => void this.socketAction(e.detail));
    el.addEventListener('fault-action', (e: CustomEvent<FaultActionDetail>) => void hosts.faultAction(e.detail));
    el.addEventListener('hold-action', (e: CustomEvent<HoldActionDetail>) => void hosts.holdAction(e.detail));
    el.addEventListener('time-action', (e: CustomEvent<TimeActionDetail>) => void hosts.timeAction(e.detail));
    el.addEventListener('session-action', (e: CustomEvent<SessionActionDetail>) => void this.parts.library.action(e.detail));
    el.addEventListener('host-pick', (e: CustomEvent<HostPickDetail>) => view.set({ pick: { ...e.detail } }));
    el.addEventListener('host-switch', (e: CustomEvent<number>) => view.set({ activeHost: e.detail }));
    el.addEventListener('conn-select', (e: CustomEvent<ConnSelectDetail>) => view.set({ conn: e.detail.key === '' ? null : e.detail.key }));
    el.addEventListener('segment-select', (e: CustomEvent<SegmentSelectDetail>) => view.selectSegment(e.detail.key, this.parts.trace()));
    el.addEventListener('absolute-change', (e: CustomEvent<boolean>) => view.set({ absolute: e.detail }));
    el.addEventListener('notice-dismiss', (e: CustomEvent<NoticeDismissDetail>) => pg.notices.dismiss(e.detail.id));
    el.addEventListener('header-action', (e: CustomEvent<HeaderAction>) => void this.headerAction(e.detail));
    el.addEventListener('pref-change', (e: CustomEvent<Partial<Pick<Settings, 'autoAccept' | 'autoRead'>>>) => settings.save(e.detail));
    el.addEventListener('clear-faults', () => void hosts.calmEverything());
    el.addEventListener('join-cancel', () => void pg.session.leave());
  }

  async startJoin(req: JoinRequestDetail): Promise<void> {
    this.join = req;
    this.parts.settings.save({ relayUrl: req.url, room: req.room, name: req.name, profile: req.profile });
    this.parts.view.reset();
    this.parts.library.closeArchive();
    await this.parts.pg.session.join(req);
  }

  async startOffline(req: OfflineRequestDetail): Promise<void> {
    this.parts.settings.save({ profile: req.profile });
    this.parts.view.reset();
    this.parts.library.closeArchive();
    await this.parts.pg.session.startOffline(req.hosts, req.profile);
  }

  /** Start a new live session where an old one was: the same room and name, or offline again. */
  async continueSession(meta: SessionMeta): Promise<void> {
    const s = this.parts.settings.settings;
    if (meta.mode === 'offline') return this.startOffline({ hosts: Math.max(2, meta.hosts.length), profile: meta.profile === 'textbook' ? 'textbook' : 'modern' });
    await this.startJoin({
      url: meta.url ?? s.relayUrl ?? defaultRelayUrl(),
      room: meta.room ?? s.room,
      name: meta.name ?? s.name,
      profile: meta.profile === 'textbook' ? 'textbook' : 'modern',
    });
  }

  private async socketAction(d: SocketActionDetail): Promise<void> {
    const conn = await this.parts.pg.socketViews.action(d);
    if (d.action !== 'connect') return;
    // Show the new connection: that is what the student is about to watch.
    const address = this.parts.pg.hostControls.address(d.host);
    if (conn !== undefined && address !== undefined) this.parts.view.set({ conn: connKey(address, conn) });
  }

  private async headerAction(a: HeaderAction): Promise<void> {
    const { pg, settings, library, drawers } = this.parts;
    switch (a) {
      case 'theme':
        return settings.nextTheme();
      case 'presentation':
        return settings.togglePresentation();
      case 'sidebar':
        return settings.toggleSidebar();
      case 'sessions':
        return drawers.toggleSessions(() => library.refresh());
      case 'leave':
        await pg.session.leave();
        this.parts.view.reset();
        return library.forgetLive();
      case 'exercises':
        return drawers.toggleExercises();
      case 'class':
        return drawers.toggleClass();
      case 'adopt-address':
        return pg.session.adoptRelayAddress();
      case 'export-pcap':
        return library.exportCurrent('pcap', this.join, this.parts.view.activeHost);
      case 'export-json':
        return library.exportCurrent('json', this.join, this.parts.view.activeHost);
    }
  }
}
