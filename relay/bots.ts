// The built-in bot hosts every room gets when the relay's `bots` option is on (the default): echo,
// discard, daytime, chargen and http, each a host of the project's own TCP core (see bots/).
import type { RoomApi } from './room-api.ts';
import { attachBots } from './bots/bot-host.ts';

/** Add the built-in bots to a new room. */
export function attachBuiltInBots(room: RoomApi): void {
  attachBots(room);
}
