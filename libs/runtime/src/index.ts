export { CoreModule, type CoreModuleOptions } from './core.module';
export { JsonLogger, type JsonLoggerOptions, type LogLevelName } from './json-logger';
