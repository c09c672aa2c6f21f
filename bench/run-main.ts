/**
 * Runs a benchmark's main and ends the process with its outcome: 0 when it
 * finished, 1 with the error's stack on stderr when it failed (a benchmark
 * leaves no timers or sockets behind to wait for).
 */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
