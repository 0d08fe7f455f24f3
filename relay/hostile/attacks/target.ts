// What an attack is given: where the relay is, the room under attack and what is known about it.
import type { RelayStats } from '../../stats.ts';

export interface Target {
  /** ws://127.0.0.1:PORT/ws */
  wsBase: string;
  /** http://127.0.0.1:PORT */
  httpUrl: string;
  room: string;
  /** The attacked room's teacher code (for attacks that need a paused teacher). */
  teacherCode: string;
  /** The bystander in the attacked room (the reflection victim). */
  victimAddress: string;
  stats(): Promise<RelayStats>;
}

/** A fresh loopback address per attacker role, so per-source limits see the attacker alone. */
export function attackerSource(n: number): string {
  return `127.0.${100 + Math.floor(n / 250)}.${1 + (n % 250)}`;
}
