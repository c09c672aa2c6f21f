import type { SimSetup } from '../setups/setup';
import { FixedSchedulePolicy, type FixedScheduleOptions } from './fixed';
import type { Policy, PolicyName } from './policy';
import { PracticePolicy, type PracticeOptions } from './practice';
import { DEFAULT_VULGRAAD_OPTIONS, VulgraadPolicy, type VulgraadOptions } from './vulgraad';

export * from './policy';
export * from './practice';
export * from './fixed';
export * from './vulgraad';

/** Settings of every policy a run may use. */
export interface PolicySettings {
  practice?: PracticeOptions;
  fixed?: FixedScheduleOptions;
  vulgraad?: Partial<Omit<VulgraadOptions, 'seed'>>;
}

/** A fresh policy for one run (policies keep state: schedules, fill models). */
export function createPolicy(name: PolicyName, setup: SimSetup, settings: PolicySettings, seed: number): Policy {
  switch (name) {
    case 'practice':
      return new PracticePolicy(settings.practice);
    case 'fixed':
      return new FixedSchedulePolicy(settings.fixed);
    case 'vulgraad':
      return new VulgraadPolicy(setup.model, { ...DEFAULT_VULGRAAD_OPTIONS, ...settings.vulgraad, seed }, setup.shift.breaks.kind);
  }
}
