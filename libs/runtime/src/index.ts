export { CoreModule, type CoreModuleOptions } from './core.module';
export { JsonLogger, type JsonLoggerOptions, type LogLevelName } from './json-logger';
export { HealthChecks, READINESS_TIMEOUT_MS, type ReadinessResponse } from './health';
export { currentLogContext, type LogContext, withLogContext } from './log-context';
export { REQUEST_ID_HEADER, requestIdMiddleware, requestIdOf } from './request-id';
export { repositoryProviders, type RepositoryClass } from './repositories';
export { bootstrapProcess, EXIT_CONFIG, EXIT_INTERRUPTED, startNestApp, type NestProcessOptions, type ProcessDefinition, type ProcessHost, type RunningProcess } from './bootstrap';
export { type PausesSnapshot, ProcessPauses, RecentDurations } from './process-pauses';
