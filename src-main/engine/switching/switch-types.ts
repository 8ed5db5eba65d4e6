/**
 * What a switch records about why it happened: the trigger names of PRODUCT §2, the figures behind
 * the decision and a velocity projection. The rotation policy produces them; the switcher and its
 * wording consume them, so they live here, below both (rotation-types.ts re-exports them).
 */

/** Every trigger a switch can record, exactly the names of PRODUCT §2. */
export const ROTATION_TRIGGERS = ['token', 'exhaustion', 'breach', 'velocity', 'manual', 'recovered', 'perishable'] as const;
export type RotationTrigger = (typeof ROTATION_TRIGGERS)[number];

/** The window a velocity projection is about. */
export type VelocityWindow = '7d' | '5h';

/** The numbers behind a decision, for the event log (`EngineEvent.data`); secret-free. */
export type DecisionFigures = Readonly<Record<string, string | number | boolean | null>>;

/** A projected breach from the recent samples. */
export interface VelocityProjection {
  readonly window: VelocityWindow;
  /** Time from `nowMs` until the window is projected to reach its limit (100 % for 7d, the threshold for 5h). */
  readonly projectedMs: number;
  readonly slopePctPerHour: number;
  readonly sampleCount: number;
}
