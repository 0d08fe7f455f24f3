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
import { acquireSuiteLock } from './suite-lock.ts';
import type { Target } from './attacks/target.ts';

export const ATTACKED_ROOM = 'lab';
export const OTHER_ROOM = 'quiet';
/** Where the teacher and the bystanders connect from; every attacker uses another loopback address. */
export const CLASS_SOURCE = '127.0.0.1';
/** How long the idle relay is measured before an attack. */
export const IDLE_MS = 2500;

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
  attacked: RttSummary;
  other: RttSummary;
  raw: BystanderSamples[];
}

export class Scenario {
  private constructor(
    readonly relay: RelayProcess,
    /** The attacked room's teacher (it created the room), reading everything it is sent. */
    readonly teacher: RawClient,
    private readonly bystanders: ChildProcess,
    readonly bystanderAddresses: string[],
    private readonly release: () => void,
    readonly baselineRss: number,
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
    let bystanders: ChildProcess | null = null;
    try {
      relay = await RelayProcess.start(relayOptions);
      const t = await RawClient.join(relay.wsBase, ATTACKED_ROOM, 'Teacher', { localAddress: CLASS_SOURCE });
      if (!t.ok) throw new Error(`the teacher could not join: ${t.code} ${t.reason}`);
      const list: BystanderOptions[] = [
        { url: relay.wsBase, room: ATTACKED_ROOM, name: 'Bystander A', localAddress: CLASS_SOURCE },
        { url: relay.wsBase, room: OTHER_ROOM, name: 'Bystander B', localAddress: CLASS_SOURCE },
      ];
      bystanders = forkEntry('bystander-child.ts', [JSON.stringify(list)]);
      const ready = await nextMessage(bystanders, (m) => ((m as BystanderReady).type === 'ready' ? (m as BystanderReady) : undefined), 20_000, 'bystanders');
      relay.resetPeak();
      return new Scenario(relay, t.client, bystanders, ready.addresses, release, relay.lastRss);
    } catch (err) {
      bystanders?.kill('SIGKILL');
      await relay?.stop();
      release();
      throw err;
    }
  }

  /** The bystanders' samples since the last call. */
  private take(): Promise<BystanderSamples[]> {
    return ask<BystanderSamples[]>(this.bystanders, 'take');
  }

  /** Run `attack` (or just wait `idleMs`) as one measuring window. */
  async measure<T>(attack: () => Promise<T>): Promise<Window<T>> {
    await this.take(); // start clean
    this.relay.resetPeak();
    const startRss = this.relay.lastRss;
    const t0 = Date.now();
    const result = await attack();
    const ms = Date.now() - t0;
    this.relay.sample();
    const raw = await this.take();
    const alive = this.relay.alive && (await this.relay.healthy());
    return {
      result,
      ms,
      startRss,
      peakRss: this.relay.peakRss,
      alive,
      killedForMemory: this.relay.killedAt !== null,
      attacked: summarize(raw[0]!),
      other: summarize(raw[1]!),
      raw,
    };
  }

  idle(ms = IDLE_MS): Promise<Window<null>> {
    return this.measure(() => new Promise((r) => setTimeout(() => r(null), ms)));
  }

  async stop(): Promise<void> {
    try {
      await ask(this.bystanders, 'stop', 3000).catch(() => {});
      this.bystanders.kill('SIGKILL');
      await this.teacher.close();
      await this.relay.stop();
    } finally {
      this.release();
    }
  }
}
