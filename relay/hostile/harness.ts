// One hostile scenario: a real relay in a child process on a loopback port (defaults unless a test
// says otherwise), a teacher owning the attacked room, and two bystanders doing echo round trips
// through the echo bot (one in the attacked room, one in another room) in a second child process.
// measure() runs an attack while the bystanders keep going and returns what they saw, the relay's
// peak RSS and whether it still answers /healthz.
import type { ChildProcess } from 'node:child_process';
import { ask, forkEntry, nextMessage } from './child-process.ts';
import type { BystanderOptions, BystanderSamples } from './bystander.ts';
import type { BystanderReady } from './bystander-child.ts';
import { summarize, type RttSummary } from './figures.ts';
import { RawClient } from './raw-client.ts';
import { RelayProcess, type ChildRelayOptions } from './relay-process.ts';
import type { LoopDelay } from './relay-child.ts';
import { acquireSuiteLock } from './suite-lock.ts';
import type { Target } from './attacks/target.ts';

export const ATTACKED_ROOM = 'lab';
export const OTHER_ROOM = 'quiet';
/** Where the teacher and the bystanders connect from; every attacker uses another loopback address. */
export const CLASS_SOURCE = '127.0.0.1';
/** How long the idle relay is measured before an attack. */
export const IDLE_MS = 2500;
/** A window lasts at least this long, so a quick attack still has the bystanders measured around it. */
export const MIN_WINDOW_MS = 2500;

export interface Window<T> {
  result: T;
  ms: number;
  /** The relay's RSS when the window began, and its peak during it (bytes). */
  startRss: number;
  peakRss: number;
  /** The relay was still alive and answered /healthz when the window ended. */
  alive: boolean;
  /** The ceiling watchdog had to kill the relay. */
  killedForMemory: boolean;
  /** How late the relay's event loop ran during the window (null when it is gone). */
  relayLoop: LoopDelay | null;
  /** How late an idle control process's timers ran: the machine's own lateness (control-child.ts). */
  machine: MachineLateness;
  attacked: RttSummary;
  other: RttSummary;
  raw: BystanderSamples[];
}

export interface MachineLateness {
  p95: number;
  p99: number;
  max: number;
}

export class Scenario {
  private constructor(
    readonly relay: RelayProcess,
    /** The attacked room's teacher (it created the room), reading everything it is sent. */
    readonly teacher: RawClient,
    /** One process per bystander: the victim of a reflection must not slow the other one down. */
    private readonly bystanders: ChildProcess[],
    readonly bystanderAddresses: string[],
    private readonly release: () => void,
    readonly baselineRss: number,
    private readonly control: ChildProcess,
  ) {}

  get teacherCode(): string {
    return this.teacher.welcome.teacherCode ?? '';
  }

  /** What the attacks are given. */
  get target(): Target {
    return {
      wsBase: this.relay.wsBase,
      httpUrl: this.relay.httpUrl,
      room: ATTACKED_ROOM,
      teacherCode: this.teacherCode,
      victimAddress: this.bystanderAddresses[0]!,
      stats: () => this.relay.stats(),
    };
  }

  static async start(relayOptions: ChildRelayOptions = {}): Promise<Scenario> {
    const release = await acquireSuiteLock();
    let relay: RelayProcess | null = null;
    const bystanders: ChildProcess[] = [];
    let control: ChildProcess | null = null;
    try {
      relay = await RelayProcess.start(relayOptions);
      const t = await RawClient.join(relay.wsBase, ATTACKED_ROOM, 'Teacher', { localAddress: CLASS_SOURCE });
      if (!t.ok) throw new Error(`the teacher could not join: ${t.code} ${t.reason}`);
      const list: BystanderOptions[] = [
        { url: relay.wsBase, room: ATTACKED_ROOM, name: 'Bystander A', localAddress: CLASS_SOURCE },
        { url: relay.wsBase, room: OTHER_ROOM, name: 'Bystander B', localAddress: CLASS_SOURCE },
      ];
      for (const b of list) bystanders.push(forkEntry('bystander-child.ts', [JSON.stringify([b])]));
      const ready = await Promise.all(
        bystanders.map((b) => nextMessage(b, (m) => ((m as BystanderReady).type === 'ready' ? (m as BystanderReady) : undefined), 20_000, 'bystanders')),
      );
      control = forkEntry('control-child.ts', []);
      await nextMessage(control, (m) => ((m as { type?: string }).type === 'ready' ? true : undefined), 20_000, 'control');
      relay.resetPeak();
      return new Scenario(relay, t.client, bystanders, ready.map((r) => r.addresses[0]!), release, relay.lastRss, control);
    } catch (err) {
      for (const b of bystanders) b.kill('SIGKILL');
      control?.kill('SIGKILL');
      await relay?.stop();
      release();
      throw err;
    }
  }

  /** The bystanders' samples since the last call. */
  private async take(): Promise<BystanderSamples[]> {
    const each = await Promise.all(this.bystanders.map((b) => ask<BystanderSamples[]>(b, 'take')));
    return each.flat();
  }

  /** Run `attack` as one measuring window of at least MIN_WINDOW_MS. */
  async measure<T>(attack: () => Promise<T>, minMs = MIN_WINDOW_MS): Promise<Window<T>> {
    await this.take(); // start clean
    await this.relay.loopDelay().catch(() => null);
    await ask(this.control, 'take');
    this.relay.resetPeak();
    const startRss = this.relay.lastRss;
    const t0 = Date.now();
    const result = await attack();
    const rest = t0 + minMs - Date.now();
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    const ms = Date.now() - t0;
    this.relay.sample();
    const raw = await this.take();
    const relayLoop = this.relay.alive ? await this.relay.loopDelay().catch(() => null) : null;
    const machine = await ask<MachineLateness>(this.control, 'take');
    const alive = this.relay.alive && (await this.relay.healthy());
    return {
      result,
      ms,
      startRss,
      peakRss: this.relay.peakRss,
      alive,
      killedForMemory: this.relay.killedAt !== null,
      relayLoop,
      machine,
      attacked: summarize(raw[0]!),
      other: summarize(raw[1]!),
      raw,
    };
  }

  idle(ms = IDLE_MS): Promise<Window<null>> {
    return this.measure(() => Promise.resolve(null), ms);
  }

  async stop(): Promise<void> {
    try {
      await Promise.all(this.bystanders.map((b) => ask(b, 'stop', 3000).catch(() => {})));
      for (const b of this.bystanders) b.kill('SIGKILL');
      this.control.kill('SIGKILL');
      await this.teacher.close();
      await this.relay.stop();
    } finally {
      this.release();
    }
  }
}
