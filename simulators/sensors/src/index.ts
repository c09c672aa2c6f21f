export * from './sim-clock';
export * from './faults';
export * from './device';
export * from './devices';
export * from './formats';
export * from './registrations';
export * from './sinks';
export * from './sensor-simulator';
