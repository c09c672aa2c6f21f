export * from './readings';
export * from './containers';
export * from './events';
export * from './plans';
export * from './errors';
export * from './runtime';
export * from './live-feed';
