import type { Logger } from './context.js';
import { redactPath } from './redact-path.js';

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

/** One JSON line per event: easy to grep locally, easy to ship to a log store. */
export function createLogger(level: keyof typeof levels): Logger {
  const min = levels[level];
  const write = (lvl: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    if (levels[lvl] < min) return;
    // Whatever a caller put in (a path, a URL, an error quoting one), no link token reaches the log.
    const line = redactPath(JSON.stringify({ time: new Date().toISOString(), level: lvl, message, ...fields }));
    (lvl === 'error' ? process.stderr : process.stdout).write(line + '\n');
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
