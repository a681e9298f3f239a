/** How long a web or worker process may take to stop after SIGTERM/SIGINT (the README tells orchestrators 20 s). */
export const SHUTDOWN_DEADLINE_MS = 15_000;

/** Exits 1 if the process has not stopped by the deadline, whatever is still running. */
export function exitAfterDeadline(signal: string): void {
  setTimeout(() => {
    console.error(`${signal}: still busy after ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
}
