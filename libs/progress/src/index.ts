export * from './route-progress';
export * from './proof-of-service';
