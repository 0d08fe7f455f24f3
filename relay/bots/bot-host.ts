// One bot: a TCP host of the project's own core living in the relay process, attached to a room
// as a virtual host and driven on the real clock.
import { createHost } from '../../workers/tcp/host.ts';
import { createSeededRandom } from '../../workers/tcp/random.ts';
import { PROFILES } from '../../workers/tcp/settings.ts';
import type { RoomApi, VirtualHostHandle } from '../room-api.ts';
import { HostDriver } from '../host-driver.ts';
import { realTimers, type Timers } from '../../workers/timers.ts';
import { createService, type ServiceName } from './services.ts';

/** Fixed addresses, after the service's port, so students can remember them ("echo is .7"). */
export const BOT_ADDRESSES: Record<ServiceName, string> = {
  echo: '10.0.0.7',
  discard: '10.0.0.9',
  daytime: '10.0.0.13',
  chargen: '10.0.0.19',
  http: '10.0.0.80',
};

export class BotHost {
  private readonly handle: VirtualHostHandle;
  private readonly driver: HostDriver;

  constructor(room: RoomApi, name: ServiceName, clock: Timers = realTimers, seed = randomSeed()) {
    let driver: HostDriver | null = null;
    this.handle = room.attachVirtualHost({
      name,
      kind: 'bot',
      preferredAddress: BOT_ADDRESSES[name],
      deliver: (frame) => driver?.frame(frame),
      detached: () => driver?.stop(),
    });
    const h = createHost({ address: this.handle.addressNumber, random: createSeededRandom(seed), settings: PROFILES.modern });
    if (!h.ok) throw new Error(h.reason);
    const service = createService(name, h.value, { wallClock: () => new Date(), hostName: () => this.handle.hostname });
    driver = new HostDriver(h.value, (p) => this.handle.send(p), (events, now) => service.handle(events, now), clock);
    this.driver = driver;
  }

  get address(): string {
    return this.handle.address;
  }

  stop(): void {
    this.driver.stop();
    this.handle.leave();
  }
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/** Add echo, discard, daytime, chargen and http bots to a new room. */
export function attachBots(room: RoomApi, names: readonly ServiceName[] = ['echo', 'discard', 'daytime', 'chargen', 'http']): BotHost[] {
  return names.map((n) => new BotHost(room, n));
}
