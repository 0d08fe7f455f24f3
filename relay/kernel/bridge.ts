// The kernel peer: puts the machine's Linux kernel into a room. It joins like any host (listed as
// kind `kernel`), holds a TUN device that carries the address the relay gave it with the room's
// /16 routed through it, and forwards IPv4 packets both ways: the kernel's TCP packets become
// frames, the room's frames go into the TUN. It has no TCP stack of its own; Linux is the stack.
// By default the device lives in a network namespace of its own, so the room's addresses never
// meet the machine's real network.
import WebSocket from 'ws';
import { RelayLink, type SocketLike } from '../../workers/relay-link.ts';
import { realTimers } from '../../workers/timers.ts';
import type { WelcomeMessage } from '../protocol/messages.ts';
import { configureDevice, createNamespace, deleteNamespace, ip, NAME_RULE } from './netns.ts';
import { openTun, type TunPipe } from './tun-pipe.ts';
import { checkFaultSpec, FaultPath, type FaultSpec } from './faults.ts';

export interface KernelBridgeOptions {
  relay: string;
  room: string;
  /** Display name; must not read as a reserved name (so not just "Linux"). */
  name: string;
  /** The namespace to create and live in; null: the host's own namespace (the room's addresses
   *  then reach the host's routing table: only for users who know what they do). */
  netns: string | null;
  /** The room's teacher code, to join as a teacher (PROTOCOL.md §2.3); null: as a student, or
   *  as the creator of a new room. */
  teacher?: string | null;
  /** The TUN device's name, 1–15 characters. */
  device: string;
  /** Faults applied to packets from the kernel to the room. Default none. */
  faultsOut?: FaultSpec;
  /** Faults applied to packets from the room to the kernel. Default none. */
  faultsIn?: FaultSpec;
  log: (line: string) => void;
  /** Sees every frame from the room as it arrives, before faults (diagnostics, tests). */
  onRoomFrame?: (frame: Uint8Array) => void;
}

export interface BridgeCounts {
  toRoom: number;
  toKernel: number;
  /** Kernel packets not forwarded: not IPv4, not TCP, or not from our address. */
  notForwarded: number;
  /** Frames the link could not send (down or queue full). */
  notSent: number;
}

export interface KernelBridge {
  /** Resolves with the welcome once the device carries the room address. */
  ready: Promise<WelcomeMessage>;
  readonly address: string | null;
  readonly counts: BridgeCounts;
  readonly faults: { out: FaultPath; in: FaultPath };
  /** Leave the room, remove the device and the namespace. Safe to call more than once, and
   *  synchronous in what it removes, so it also works from a process exit handler. */
  stop(why?: string): void;
  /** Resolves when the bridge has stopped (by stop() or because the relay refused it). */
  done: Promise<string>;
}

const ROOM_PREFIX = 16;

export function startKernelBridge(o: KernelBridgeOptions): KernelBridge {
  if (o.netns !== null && !NAME_RULE.test(o.netns)) throw new Error(`--netns must be 1-15 of a-z 0-9 -, starting with a letter`);
  if (!NAME_RULE.test(o.device)) throw new Error(`--device must be 1-15 of a-z 0-9 -, starting with a letter`);
  for (const f of [o.faultsOut, o.faultsIn]) {
    const bad = f ? checkFaultSpec(f) : null;
    if (bad) throw new Error(bad);
  }
  const counts: BridgeCounts = { toRoom: 0, toKernel: 0, notForwarded: 0, notSent: 0 };
  let tun: TunPipe | null = null;
  let address: string | null = null;
  let addressNumber = -1;
  let nsCreated = false;
  let stopped = false;
  let resolveReady: (w: WelcomeMessage) => void = () => {};
  let rejectReady: (e: Error) => void = () => {};
  const ready = new Promise<WelcomeMessage>((res, rej) => ((resolveReady = res), (rejectReady = rej)));
  ready.catch(() => {}); // observed by whoever awaits it; done reports it too
  let resolveDone: (why: string) => void = () => {};
  const done = new Promise<string>((r) => (resolveDone = r));

  const toRoom = new FaultPath(o.faultsOut ?? {}, (p) => {
    if (link.send(p) === 'sent') counts.toRoom++;
    else counts.notSent++;
  }, 0x6f7574);
  const toKernel = new FaultPath(o.faultsIn ?? {}, (p) => {
    if (tun?.write(p)) counts.toKernel++;
  }, 0x696e);

  // The relay URL with kind=kernel: RelayLink keeps query parameters it does not set itself.
  const url = new URL(o.relay);
  url.searchParams.set('kind', 'kernel');
  if (o.teacher) url.searchParams.set('teacher', o.teacher);
  const link = new RelayLink({
    url: url.toString(),
    room: o.room,
    name: o.name,
    createSocket: (u) => {
      const ws = new WebSocket(u);
      ws.binaryType = 'arraybuffer';
      return ws as unknown as SocketLike;
    },
    timers: realTimers,
    random: Math.random,
    hostAddress: () => address,
    onFrame: (frame) => {
      o.onRoomFrame?.(frame);
      toKernel.push(frame);
    },
    onState: (state) => {
      if (state.status === 'reconnecting') o.log(`relay connection lost (${state.code} ${state.reason}); retrying in ${Math.round(state.delayMs / 100) / 10} s`);
      if (state.status === 'closed' && !state.byUser) {
        const why = `the relay refused us: ${state.code} ${state.reason}`;
        o.log(why);
        rejectReady(new Error(why));
        stop(why);
      }
    },
    onWelcome: (w) => onWelcome(w),
    onNotice: (n) => {
      if (n.type === 'unreachable') o.log(`host unreachable: ${n.dst} is not in room ${o.room}`);
      else if (n.type === 'error') o.log(`relay: ${n.detail}`);
      else o.log(`relay dropped a frame: ${n.reason} (${n.detail})`);
    },
  });

  function onWelcome(w: WelcomeMessage): void {
    if (stopped || tun === null) return;
    try {
      if (address !== null && address !== w.address) ip([...(o.netns ? ['-n', o.netns] : []), 'addr', 'flush', 'dev', tun.device]);
      if (address !== w.address) configureDevice(o.netns, tun.device, w.address, ROOM_PREFIX, w.mtu);
    } catch (e) {
      const why = (e as Error).message;
      o.log(why);
      rejectReady(new Error(why));
      stop(why);
      return;
    }
    const first = address === null;
    address = w.address;
    addressNumber = ipv4Number(w.address);
    o.log(`${first ? 'joined' : 'rejoined'} room ${w.room} as ${w.hostname} (${w.address}), device ${tun.device}${o.netns ? ` in network namespace ${o.netns}` : ' in the host namespace'}`);
    if (first && w.role === 'teacher' && w.teacherCode) {
      o.log(`the kernel peer created room ${w.room} and so holds its teacher code ${w.teacherCode}: give it to the page (Join as teacher) to watch the room`);
    }
    if (first) resolveReady(w);
  }

  /** Only the kernel's own IPv4 TCP packets go to the room: the relay would drop anything else. */
  function fromKernel(p: Uint8Array): void {
    if (p.length < 20 || p[0]! >> 4 !== 4 || p[9] !== 6 || addressNumber < 0 || readU32(p, 12) !== addressNumber) {
      counts.notForwarded++;
      return;
    }
    toRoom.push(p);
  }

  function stop(why = 'stopped'): void {
    if (stopped) return;
    stopped = true;
    toRoom.stop();
    toKernel.stop();
    link.stop('kernel peer stopped');
    tun?.close();
    if (nsCreated && o.netns !== null) deleteNamespace(o.netns);
    rejectReady(new Error(why));
    resolveDone(why);
  }

  void (async () => {
    try {
      if (o.netns !== null) {
        createNamespace(o.netns);
        nsCreated = true;
      }
      tun = await openTun(o.netns, o.device, fromKernel, o.log);
      if (stopped) return tun.close();
      void tun.exited.then((why) => {
        if (!stopped) {
          o.log(why);
          stop(why);
        }
      });
      link.start();
    } catch (e) {
      const why = (e as Error).message;
      o.log(why);
      stop(why);
    }
  })();

  return {
    ready,
    get address() {
      return address;
    },
    counts,
    faults: { out: toRoom, in: toKernel },
    stop,
    done,
  };
}

function readU32(p: Uint8Array, at: number): number {
  return ((p[at]! << 24) | (p[at + 1]! << 16) | (p[at + 2]! << 8) | p[at + 3]!) >>> 0;
}

function ipv4Number(text: string): number {
  const parts = text.split('.').map(Number);
  return (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0);
}

/** The commands a user types to reach the room through the kernel, printed at start. */
export function usageHints(w: WelcomeMessage, netns: string | null): string[] {
  const run = netns ? `sudo ip netns exec ${netns} ` : '';
  const echo = w.hosts.find((h) => h.hostname === 'echo');
  const http = w.hosts.find((h) => h.hostname === 'http');
  const lines = [`The kernel is ${w.address} in room ${w.room}. Reach the room through it with:`];
  if (echo) lines.push(`  ${run}nc ${echo.address} 7                    # the echo bot`);
  if (http) lines.push(`  ${run}curl http://${http.address}/           # the http bot`);
  lines.push(`  ${run}nc -l -s ${w.address} -p 8080            # a listener students connect to (${w.address}:8080)`);
  lines.push(`  ${run}python3 -m http.server 8000 --bind ${w.address}`);
  lines.push(`  ${run}ss -tni                                   # Linux's view of its connections`);
  lines.push(`  ${run}tcpdump -ni any tcp                       # the kernel's packets as it sees them`);
  return lines;
}
