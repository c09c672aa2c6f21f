export * from './readings';
export * from './containers';
export * from './events';
export * from './plans';
export * from './errors';
export * from './runtime';
export * from './queues';
export * from './live-feed';
