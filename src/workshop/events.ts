// Events the workshop elements send up. All bubble and cross shadow roots, so the app listens once.
import type { Needs } from '../exercises/index.ts';
import type { SetupAction } from '../exercises/setup.ts';

/** Worker calls to make: `you` on this tab's host (offline: host 0), `peer` on the other one. */
export interface SetupPlan {
  you: SetupAction[];
  peer: SetupAction[];
}

export interface ExerciseSelectDetail {
  id: string;
}

export interface ExerciseSetupDetail {
  exerciseId: string;
  /** Where the other end comes from: the app starts offline mode or points at a bot from this. */
  needs: Needs;
  plan: SetupPlan;
}

export interface StepArmDetail {
  exerciseId: string;
  /** 0-based index of the step. */
  step: number;
  plan: SetupPlan;
}

export interface HintOpenDetail {
  exerciseId: string;
  /** 0-based index of the hint revealed (for progress.ts openHint). */
  index: number;
}

function event<T>(type: string, detail: T): CustomEvent<T> {
  return new CustomEvent(type, { detail, bubbles: true, composed: true });
}

export const exerciseSelect = (d: ExerciseSelectDetail) => event('exercise-select', d);
export const exerciseSetup = (d: ExerciseSetupDetail) => event('exercise-setup', d);
export const stepArm = (d: StepArmDetail) => event('step-arm', d);
export const hintOpen = (d: HintOpenDetail) => event('hint-open', d);

declare global {
  interface HTMLElementEventMap {
    'exercise-select': CustomEvent<ExerciseSelectDetail>;
    'exercise-setup': CustomEvent<ExerciseSetupDetail>;
    'step-arm': CustomEvent<StepArmDetail>;
    'hint-open': CustomEvent<HintOpenDetail>;
  }
}
