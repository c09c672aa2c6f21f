export * from './model';
export * from './errors';
export { solve, DEFAULT_TIME_LIMIT_MS } from './solve';
export { verifySolution, type VerifyReport } from './verify';
export { solveInWorker } from './worker/solve-in-worker';
export { SolverWorker } from './worker/solver-worker';
