export * from './types';
export { haversineM, LocalProjection } from './geo';
export { StraightLineProvider, type StraightLineOptions } from './straight/straight-line.provider';
