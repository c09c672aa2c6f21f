export * from './types';
export * from './local-time';
export * from './settings';
export { chooseContainers, isMustLike, stopReason, type ContainerOutlook, type SelectionInput } from './select';
export { planShift, DEFAULT_COST_PER_HOUR, DEFAULT_COST_PER_KM, DIMENSIONS } from './plan-shift';
export * from './exports';
export * from './repositories';
export { FillModelCache } from './model-cache';
export { progressFromPlan } from './progress';
