// The page's worker-facing stores, composed: it starts the endpoint worker and wires the feature
// stores together. Each store owns one feature and its state; they share one change feed, so the
// page re-renders once per frame however many of them changed (FeedController wraps them for a
// Lit host). Elements never talk to the worker: the root element calls the stores' actions and
// passes their state down as properties.
import type { Remote } from 'comlink';
import type { LinkState, WorkerUpdate } from '../../workers/api.ts';
import type { ConnKey } from '../model/keys.ts';
import { ChangeFeed } from './change-feed.ts';
import { NoticeCenter } from './notices.ts';
import { TraceIntake } from './trace-intake.ts';
import { HostControls } from './host-controls.ts';
import type { LocalHostView } from './host-controls.ts';
import { SocketViews } from './socket-views.ts';
import type { SocketView } from './socket-views.ts';
import { LiveSession } from './live-session.ts';
import type { SessionSink } from './live-session.ts';
import type { TraceStore } from './trace-store.ts';
import { startEndpointWorker } from './worker-client.ts';
import type { EndpointHandle, WorkerApi } from './worker-client.ts';

export interface PlaygroundOptions {
  endpoint?: EndpointHandle;
  sink?: SessionSink;
}

export class Playground {
  readonly api: Remote<WorkerApi>;
  readonly feed: ChangeFeed;
  readonly notices: NoticeCenter;
  readonly intake: TraceIntake;
  readonly hostControls: HostControls;
  readonly socketViews: SocketViews;
  readonly session: LiveSession;
  private readonly endpoint: EndpointHandle;

  constructor(options: PlaygroundOptions = {}) {
    this.endpoint = options.endpoint ?? startEndpointWorker();
    const api = (this.api = this.endpoint.api);
    this.feed = new ChangeFeed(api);
    this.notices = new NoticeCenter(this.feed);
    this.intake = new TraceIntake(api, this.feed, this.notices);
    this.hostControls = new HostControls(api, this.feed, this.notices);
    this.socketViews = new SocketViews(api, this.feed, this.notices, this.hostControls, this.intake);
    const intake = this.intake;
    const sockets = this.socketViews;
    this.session = new LiveSession(api, this.feed, this.notices, this.hostControls, {
      fresh: async () => {
        await intake.fresh();
        sockets.reset();
      },
      get startSeq() {
        return intake.trace.startSeq;
      },
    });
    this.session.setSink(options.sink ?? null);
    this.intake.routeTo({ update: (u) => this.route(u), faultsStruck: () => this.hostControls.scheduleFaultRefresh() });
    this.endpoint.onFailure((m) => this.notices.notify('error', m));
  }

  /** Subscribe to the worker's updates and read its clock. Call once. */
  async start(): Promise<void> {
    try {
      await this.intake.subscribe();
      await this.hostControls.readClock();
    } catch (e) {
      this.notices.notify('error', `The TCP worker did not start: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    this.session.dispose();
    this.socketViews.dispose();
    this.hostControls.dispose();
    this.notices.dispose();
    this.endpoint.terminate();
  }

  // What drivers from outside the page's code read (the e2e tests, the UI benchmark).
  get trace(): TraceStore {
    return this.intake.trace;
  }
  get hosts(): readonly LocalHostView[] {
    return this.hostControls.hosts;
  }
  get sockets(): ReadonlyMap<ConnKey, SocketView> {
    return this.socketViews.views;
  }
  get link(): LinkState {
    return this.session.link;
  }

  /** The parts of an update besides its records, to the store each belongs to, in this order. */
  private route(u: WorkerUpdate): void {
    if (u.link !== undefined) this.session.linkChanged(u.link);
    if (u.clock !== undefined) this.hostControls.clock = u.clock;
    if (u.hosts !== undefined) this.session.hostsChanged(u.hosts);
    if (u.held !== undefined) this.hostControls.heldChanged(u.held);
    if (u.sockets.length > 0) this.socketViews.socketNotes(u.sockets);
    if (u.roomStatus !== undefined) this.session.roomStatus = u.roomStatus;
    if (u.saving?.error) this.notices.notify('error', `This session is no longer being saved: ${u.saving.error}`);
  }
}
