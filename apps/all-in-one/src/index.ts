// The all-in-one's door: the whole system in one process, for `npm start`, tests and benchmarks.
export { startAllInOne, type AllInOne, type StartOptions, type StartupReport } from './all-in-one';
