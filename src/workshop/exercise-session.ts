// One student's exercise session, without DOM: the open exercise's checklist fed from the live
// trace, progress kept with progress.ts (so the app can save and merge it), and the relay
// `status` payload the teacher sees (relay/PROTOCOL.md §2.3).
//
//   const session = new ExerciseSession(pack, savedProgress);
//   session.start(exercise);               // restored from saved progress unless given
//   worker.subscribe((u) => { session.push(u.records); render(session.status()); });
//   api.publishStatus(session.toStatus());
import type { ExerciseStatus, HostStatus } from '../../relay/protocol/messages.ts';
import type { ShellEvent, TraceRecord } from '../../workers/api.ts';
import type { TraceEvent } from '../../workers/tcp/trace.ts';
import type { Checklist, CheckStatus, Exercise, Pack, Progress, RestoredItem } from '../exercises/index.ts';
import { createChecklist, emptyProgress, mergeProgress, openHint, progressKey, recordStatus, resetExercise, restoredItems } from '../exercises/index.ts';
import { LiveConnections } from './live-connections.ts';
import { STATUS_LIMITS } from '../../relay/protocol/status.ts';

// The relay's bounds on a status, so the page never sends one the relay refuses.
const { connections: MAX_CONNECTIONS, exercises: MAX_EXERCISES, titleLength: MAX_TITLE, exerciseIdLength: MAX_ID } = STATUS_LIMITS;
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu;

export class ExerciseSession {
  private checklist: Checklist | null = null;
  private current: Exercise | null = null;
  private progressValue: Progress;
  private readonly conns = new LiveConnections();

  constructor(
    private pack: Pick<Pack, 'name' | 'exercises'>,
    progress: Progress = emptyProgress(),
    /** Wall clock for progress records (injected for tests). */
    private readonly now: () => number = Date.now,
  ) {
    this.progressValue = progress;
  }

  get exercise(): Exercise | null {
    return this.current;
  }

  /** The progress of every exercise of the pack, to save (and to merge with another tab's). */
  get progress(): Progress {
    return this.progressValue;
  }

  /** Open an exercise. Items already ticked come from `restored`, or else from the saved progress. */
  start(exercise: Exercise, restored?: Readonly<Record<string, RestoredItem>>): CheckStatus[] {
    this.current = exercise;
    this.checklist = createChecklist(exercise, restored ?? restoredItems(this.progressValue, this.key(exercise)));
    return this.status();
  }

  /**
   * Switch to another pack (the open exercise closes). Progress of every pack is kept (keys name
   * the pack), and so are the connection states, which belong to the trace, not to a pack.
   */
  usePack(pack: Pick<Pack, 'name' | 'exercises'>): void {
    this.pack = pack;
    this.stop();
  }

  /**
   * Merge progress saved elsewhere (IndexedDB, another tab). When it holds ticks the open
   * checklist lacks, the checklist is rebuilt from the merged record (the engine's restore path),
   * so restored items show as done at once. `replace`: take `other` as it is (another student's
   * record, e.g. after a change of room), and rebuild the open checklist from it.
   */
  adoptProgress(other: Progress, replace = false): void {
    this.progressValue = replace ? other : mergeProgress(this.progressValue, other);
    const ex = this.current;
    const list = this.checklist;
    if (ex === null || list === null) return;
    const restored = restoredItems(this.progressValue, this.key(ex));
    if (replace || list.status().some((s) => !s.done && restored[s.id] !== undefined)) this.checklist = createChecklist(ex, restored);
  }

  /** Close the exercise (the trace is still followed for the connection states). */
  stop(): void {
    this.current = null;
    this.checklist = null;
  }

  /** Start the open exercise over: nothing ticked, no hints. */
  reset(): CheckStatus[] {
    const ex = this.current;
    if (ex === null) return [];
    this.progressValue = resetExercise(this.progressValue, this.key(ex));
    this.checklist = createChecklist(ex);
    return this.status();
  }

  /**
   * Feed trace records (or bare events) in order, as the worker sends them. Returns the ids of
   * items ticked by this batch; their ticks are recorded in the progress.
   */
  push(records: Iterable<TraceRecord | TraceEvent | ShellEvent>): string[] {
    const events: (TraceEvent | ShellEvent)[] = [];
    for (const r of records) {
      const ev = 'event' in r ? r.event : r;
      events.push(ev);
      this.conns.observe(ev);
    }
    const list = this.checklist;
    const ex = this.current;
    if (list === null || ex === null) return [];
    const ticked = list.push(events);
    if (ticked.length > 0) this.progressValue = recordStatus(this.progressValue, this.key(ex), list.status(), this.now());
    return ticked;
  }

  /** The open exercise's checklist ([] when none is open). */
  status(): CheckStatus[] {
    return this.checklist?.status() ?? [];
  }

  get complete(): boolean {
    return this.checklist?.complete ?? false;
  }

  /** Hints revealed so far in the open exercise. */
  get hintsOpened(): number {
    const ex = this.current;
    return ex === null ? 0 : (this.progressValue.exercises[this.key(ex)]?.hintsOpened ?? 0);
  }

  /** Reveal hint `index` (and the ones before it) of the open exercise. */
  openHint(index: number): number {
    const ex = this.current;
    if (ex === null) return 0;
    const max = Math.min(index, ex.hints.length - 1);
    if (max >= 0) this.progressValue = openHint(this.progressValue, this.key(ex), max, this.now());
    return this.hintsOpened;
  }

  /** done/total of one exercise of the pack, from the progress. */
  progressOf(exercise: Exercise): { done: number; total: number } {
    const items = this.progressValue.exercises[this.key(exercise)]?.items ?? {};
    return { done: exercise.checks.filter((c) => items[c.id] !== undefined).length, total: exercise.checks.length };
  }

  /**
   * The relay `status` payload: live connection states, and progress in the exercises begun
   * (and the open one), within the relay's bounds.
   */
  toStatus(): HostStatus {
    const progress: Record<string, ExerciseStatus> = {};
    let n = 0;
    for (const ex of this.pack.exercises) {
      if (n >= MAX_EXERCISES) break;
      const begun = this.progressValue.exercises[this.key(ex)] !== undefined;
      if ((!begun && ex.id !== this.current?.id) || ex.id.length > MAX_ID) continue;
      progress[ex.id] = { ...this.progressOf(ex), title: ex.title.replace(UNPRINTABLE, '').slice(0, MAX_TITLE) };
      n++;
    }
    const open = this.current !== null && this.current.id.length <= MAX_ID ? this.current.id : null;
    return { connections: this.conns.list(MAX_CONNECTIONS), progress, exercise: open };
  }

  private key(ex: Exercise): string {
    return progressKey(this.pack.name, ex.id);
  }
}
