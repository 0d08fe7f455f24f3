// The workshop-exercise engine: formats, validation, checklists, packs, progress.
// Pure and DOM-free: it runs in Node tests, on the page, and in the worker.
export type { Bot, BotService, Check, Exercise, ExerciseStep, Needs, ParseResult } from './schema.ts';
export { BOT_PORTS, NEEDS, parseExercise } from './schema.ts';
export type { Condition, EventPredicate, MatchFields, Per, Predicate, Scope, Step } from './predicates.ts';
export type { Dir, HostSetup, RuleSpec, Setup, SetupAction } from './setup.ts';
export { planHost, planSetup, settingsOf } from './setup.ts';
export type { Checklist, CheckStatus, RestoredItem } from './evaluate.ts';
export { createChecklist } from './evaluate.ts';
export type { FetchLike, Pack } from './pack.ts';
export { loadPackFromUrl, parsePack } from './pack.ts';
export { BUILTIN_PACK_JSON, builtinPack, builtinPackResult } from './builtin.ts';
export type { ExerciseProgress, ItemProgress, Progress } from './progress.ts';
export {
  emptyProgress,
  mergeProgress,
  openHint,
  parseProgress,
  progressKey,
  recordStatus,
  resetExercise,
  restoredItems,
  serializeProgress,
} from './progress.ts';
