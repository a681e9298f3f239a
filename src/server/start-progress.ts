/**
 * What a start is doing, step by step, each with how long it took: the first start migrates a database and loads
 * the demo, and a terminal that says nothing for seconds looks hung.
 */
export interface StartProgress {
  /** Prints `Keypulse: <label>…`, runs the step, then how long it took and what it did. */
  step<T>(label: string, run: () => Promise<T>, summary?: (result: T) => string | null): Promise<T>;
  /** One line inside the current step. */
  note(line: string): void;
  /** Seconds since the process started (node's own start-up included), and the CPU time spent: on a busy machine the first grows, the second hardly. */
  sinceProcessStart(): string;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function startProgress(print: (line: string) => void = console.log): StartProgress {
  return {
    async step(label, run, summary) {
      const began = performance.now();
      print(`Keypulse: ${label}…`);
      const result = await run();
      const said = summary?.(result);
      print(`  done in ${seconds(performance.now() - began)}${said ? `: ${said}` : ''}`);
      return result;
    },
    note: (line) => print(`  ${line}`),
    // performance.now() counts from the process's start, so this includes loading node and the code.
    sinceProcessStart: () => {
      const cpu = process.cpuUsage();
      return `${seconds(performance.now())}, ${seconds((cpu.user + cpu.system) / 1000)} of CPU`;
    },
  };
}
