// Registers the workshop elements and exports the session. Import once; each file also works alone.
export { TcpExerciseList, needsText } from './exercise-list.ts';
export { TcpExercisePanel } from './exercise-panel.ts';
export { TcpTeacherView, teacherRows, type TeacherSort } from './teacher-view.ts';
export { TcpWatchedBanner } from './watched-banner.ts';
export { ExerciseSession } from './exercise-session.ts';
export type { ExerciseSelectDetail, ExerciseSetupDetail, HintOpenDetail, SetupPlan, StepArmDetail } from './events.ts';
export { TcpWorkshop } from './workshop-view.ts';
export { WorkshopController, type SetupReport, type Side, type WorkshopSnapshot, type WorkshopWorker } from './workshop-controller.ts';
export { IdbProgressStore, MemoryProgressStore, defaultProgressStore, type ProgressStore } from './progress-store.ts';
