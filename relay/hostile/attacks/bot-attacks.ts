// Attacks on the bot hosts (issue 14, items 1, 2, 4 and 5), each a fixed count at a fixed rate for
// at most a fixed time, from raw WebSocket clients that craft their own segments.
import { Flag, type Packet } from '../../../workers/tcp/wire/types.ts';
import { craft, ipv4, paced, RawClient, sleep } from '../raw-client.ts';
import { attackerSource, type Target } from './target.ts';

const ECHO = ipv4('10.0.0.7');
const BOT_PORTS = [
  { addr: ipv4('10.0.0.7'), port: 7 },
  { addr: ipv4('10.0.0.9'), port: 9 },
  { addr: ipv4('10.0.0.13'), port: 13 },
  { addr: ipv4('10.0.0.19'), port: 19 },
  { addr: ipv4('10.0.0.80'), port: 80 },
];

function has(p: Packet, flags: number): boolean {
  return (p.tcp.flags & flags) === flags;
}

async function joinAll(t: Target, names: string[], firstSource: number): Promise<RawClient[]> {
  const out: RawClient[] = [];
  for (const [i, name] of names.entries()) {
    const r = await RawClient.join(t.wsBase, t.room, name, { localAddress: attackerSource(firstSource + i) });
    if (!r.ok) throw new Error(`attacker ${name} could not join: ${r.code} ${r.reason}`);
    out.push(r.client);
  }
  return out;
}

export interface HandshakeFloodResult {
  attempted: number;
  synAcks: number;
  /** Connections on which the echo bot echoed our byte: the ones it really holds for us. */
  served: number;
  resets: number;
}

/**
 * Item 1: complete as many handshakes with the echo bot as the rate limit lets through and keep
 * every connection open (each carries one byte on its final ACK, so a connection the bot really
 * holds is one that echoes it). Two clients from two addresses, 500 handshakes a second each
 * (3 frames each: SYN, ACK with data, ACK of the echo), at most `perClient` each, `seconds` long.
 */
export async function handshakeFlood(t: Target, o: { clients?: number; perSecond?: number; perClient?: number; seconds?: number } = {}): Promise<HandshakeFloodResult> {
  const clients = await joinAll(t, Array.from({ length: o.clients ?? 2 }, (_, i) => `flood-${i}`), 0);
  const r: HandshakeFloodResult = { attempted: 0, synAcks: 0, served: 0, resets: 0 };
  const servedPorts = new Set<string>();
  await Promise.all(
    clients.map((c, ci) => {
      c.onPacket = (p) => {
        if (p.ip.src !== ECHO || p.tcp.srcPort !== 7) return;
        const iss = (p.tcp.dstPort * 7919) >>> 0;
        if (has(p, Flag.RST)) r.resets++;
        else if (has(p, Flag.SYN | Flag.ACK)) {
          r.synAcks++;
          // RFC 9293 §3.5: the third segment of the handshake; it may carry data.
          c.send(craft(c.address, ECHO, { srcPort: p.tcp.dstPort, dstPort: 7, seq: iss + 1, ack: p.tcp.seq + 1, flags: Flag.ACK | Flag.PSH, payload: new Uint8Array([120]) }));
        } else if (p.tcp.payload.length > 0) {
          servedPorts.add(`${ci}:${p.tcp.dstPort}`);
          c.send(craft(c.address, ECHO, { srcPort: p.tcp.dstPort, dstPort: 7, seq: iss + 2, ack: p.tcp.seq + p.tcp.payload.length, flags: Flag.ACK }));
        }
      };
      return paced(o.perSecond ?? 500, o.perClient ?? 3000, (o.seconds ?? 6) * 1000, (i) => {
        const port = 10000 + i;
        r.attempted++;
        c.send(craft(c.address, ECHO, { srcPort: port, dstPort: 7, seq: (port * 7919) >>> 0, flags: Flag.SYN }));
      });
    }),
  );
  await sleep(500); // the last answers
  r.served = servedPorts.size;
  // The attacker stays away with its connections open: the relay must not be left holding them.
  await Promise.all(clients.map((c) => c.close()));
  await sleep(500);
  return r;
}

export interface NeverReadsResult {
  /** Bytes we sent (new data, within the window the bot advertised). */
  sent: number;
  /** Bytes the echo bot acknowledged, i.e. took off our hands. */
  acked: number;
}

/**
 * Item 2: a client that sends to echo and never reads the replies. After the handshake it
 * advertises a zero window and never acknowledges the bot's data, while sending 1,400-byte
 * segments as fast as the bot's window allows (at most 1,000 a second: inside the relay's rate
 * limit, so nothing is lost on the way and every byte the bot accepts is in order). Three clients,
 * one connection each, `seconds` long.
 */
export async function neverReads(t: Target, o: { clients?: number; seconds?: number } = {}): Promise<NeverReadsResult> {
  const clients = await joinAll(t, Array.from({ length: o.clients ?? 3 }, (_, i) => `hoarder-${i}`), 10);
  const seconds = o.seconds ?? 6;
  const chunk = new Uint8Array(1400).fill(0x61);
  const total: NeverReadsResult = { sent: 0, acked: 0 };
  await Promise.all(
    clients.map(async (c) => {
      const iss = 1_000_000;
      const port = 40000;
      let botIss: number | null = null;
      let acked = 0; // bytes of ours the bot acknowledged
      let window = 0;
      c.onPacket = (p) => {
        if (p.ip.src !== ECHO || p.tcp.dstPort !== port) return;
        if (has(p, Flag.SYN | Flag.ACK)) {
          botIss = p.tcp.seq;
          c.send(craft(c.address, ECHO, { srcPort: port, dstPort: 7, seq: iss + 1, ack: botIss + 1, flags: Flag.ACK, window: 0 }));
        }
        if (has(p, Flag.ACK)) {
          const a = (p.tcp.ack - (iss + 1)) >>> 0;
          if (a > acked && a < 0x80000000) acked = a;
          window = p.tcp.window;
        }
      };
      c.send(craft(c.address, ECHO, { srcPort: port, dstPort: 7, seq: iss, flags: Flag.SYN }));
      let sent = 0;
      const started = Date.now();
      while (Date.now() - started < seconds * 1000 && c.open) {
        // 10 segments per 10 ms at most, never beyond the bot's window (RFC 9293 §3.8.6).
        for (let i = 0; i < 10 && botIss !== null && sent + chunk.length <= acked + window; i++) {
          c.send(craft(c.address, ECHO, { srcPort: port, dstPort: 7, seq: iss + 1 + sent, ack: botIss + 1, flags: Flag.ACK | Flag.PSH, window: 0, payload: chunk }));
          sent += chunk.length;
        }
        await sleep(10);
      }
      await sleep(300);
      total.sent += sent;
      total.acked += acked;
      c.onPacket = null;
    }),
  );
  await Promise.all(clients.map((c) => c.close()));
  return total;
}

export interface SynResult {
  syns: number;
  synAcks: number;
  /** SYN,ACKs for the same port more than once: retransmissions to a source that never answers. */
  repeats: number;
}

function countSynAcks(c: RawClient, r: SynResult): void {
  const seen = new Set<number>();
  c.onPacket = (p) => {
    if (!has(p, Flag.SYN | Flag.ACK)) return;
    r.synAcks++;
    const key = p.ip.src * 65536 + p.tcp.dstPort;
    if (seen.has(key)) r.repeats++;
    else seen.add(key);
  };
}

/** Item 4, the flood: SYNs to echo from ever new source ports, never answered; 1,500 a second. */
export async function synFlood(t: Target, o: { perSecond?: number; count?: number; seconds?: number } = {}): Promise<SynResult> {
  const [c] = await joinAll(t, ['syn-flood'], 20);
  const r: SynResult = { syns: 0, synAcks: 0, repeats: 0 };
  countSynAcks(c!, r);
  r.syns = await paced(o.perSecond ?? 1500, o.count ?? 9000, (o.seconds ?? 6) * 1000, (i) =>
    c!.send(craft(c!.address, ECHO, { srcPort: 1024 + (i % 64000), dstPort: 7, seq: (i * 2654435761) >>> 0, flags: Flag.SYN })),
  );
  await sleep(300);
  await c!.close();
  return r;
}

/**
 * Item 4, the trickle: 3 SYNs a second to each bot's port (15 a second in all), each from a new
 * source port and never answered, `seconds` long: with a 16-deep backlog and half-open
 * connections kept for their SYN,ACK retries this is enough to keep a port full.
 */
export async function synTrickle(t: Target, o: { perPortPerSecond?: number; seconds?: number } = {}): Promise<SynResult> {
  const [c] = await joinAll(t, ['syn-trickle'], 21);
  const r: SynResult = { syns: 0, synAcks: 0, repeats: 0 };
  countSynAcks(c!, r);
  const rate = (o.perPortPerSecond ?? 3) * BOT_PORTS.length;
  const seconds = o.seconds ?? 9;
  r.syns = await paced(rate, rate * seconds, seconds * 1000, (i) => {
    const bot = BOT_PORTS[i % BOT_PORTS.length]!;
    c!.send(craft(c!.address, bot.addr, { srcPort: 2000 + i, dstPort: bot.port, seq: (i * 2654435761) >>> 0, flags: Flag.SYN }));
  });
  await sleep(300);
  await c!.close();
  return r;
}

export interface ReflectionResult {
  sent: number;
  /** RSTs the victim's stack sent back to the attackers (RFC 9293 §3.10.7.1: closed port). */
  resets: number;
  attackersClosed: { code: number; reason: string }[];
}

/**
 * Item 5: three clients, each inside its own rate limit (1,500 frames a second), send ACKs to
 * closed ports of the victim (the bystander in the attacked room). Its stack answers each with a
 * RST, 4,500 a second in all: more than the victim itself may send.
 */
export async function reflection(t: Target, o: { attackers?: number; perSecond?: number; seconds?: number } = {}): Promise<ReflectionResult> {
  const clients = await joinAll(t, Array.from({ length: o.attackers ?? 3 }, (_, i) => `reflector-${i}`), 30);
  const victim = ipv4(t.victimAddress);
  const r: ReflectionResult = { sent: 0, resets: 0, attackersClosed: [] };
  const seconds = o.seconds ?? 6;
  const counts = await Promise.all(
    clients.map((c, ci) => {
      c.onPacket = (p) => {
        if (p.ip.src === victim && has(p, Flag.RST)) r.resets++;
      };
      return paced(o.perSecond ?? 1500, (o.perSecond ?? 1500) * seconds, seconds * 1000, (i) =>
        c.send(craft(c.address, victim, { srcPort: 3000 + ci * 1000 + (i % 1000), dstPort: 9000 + (i % 100), seq: i, ack: (i * 2654435761) >>> 0, flags: Flag.ACK })),
      );
    }),
  );
  r.sent = counts.reduce((a, b) => a + b, 0);
  await sleep(300);
  for (const c of clients) if (c.closeInfo !== null) r.attackersClosed.push(c.closeInfo);
  await Promise.all(clients.map((c) => c.close()));
  return r;
}
