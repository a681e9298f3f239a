import { useRef, useState } from 'preact/hooks';
import type { AnswerValue, Answers } from '../../shared/schemas/survey.js';
import { saveAnswers, type SaveOutcome } from './api.js';

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'failed' | 'gone';

/** Text is saved after the respondent pauses typing; clicks are saved at once. */
export const TYPING_PAUSE_MS = 800;

export interface Autosave {
  status: SaveStatus;
  setStatus(status: SaveStatus): void;
  /** Queues one answer; `now` saves at once, otherwise after a pause in typing. */
  save(key: string, value: AnswerValue | null, when: 'now' | 'pause'): void;
  /** Saves whatever is queued now (e.g. when a text field loses focus). */
  flush(): Promise<void>;
  /** Drops what is queued and waits for a save in flight: the caller is about to send every answer. */
  settle(): Promise<void>;
}

/**
 * Saves answers as the respondent goes. One request at a time, so saves reach the server in the order
 * they were made; answers changed meanwhile go in the next request. A save that did not reach the server
 * stays queued and goes with the next one.
 */
export function useAutosave(token: string, onSaved: (outcome: SaveOutcome, keys: string[]) => void): Autosave {
  const [status, setStatus] = useState<SaveStatus>('idle');
  const queue = useRef({ pending: {} as Answers, timer: undefined as ReturnType<typeof setTimeout> | undefined, running: null as Promise<void> | null }).current;
  // The callback changes every render; saves in flight must report to the latest one.
  const report = useRef(onSaved);
  report.current = onSaved;

  const flush = (): Promise<void> => {
    clearTimeout(queue.timer);
    queue.timer = undefined;
    if (queue.running) return queue.running.then(flush);
    const batch = queue.pending;
    const keys = Object.keys(batch);
    if (!keys.length) return Promise.resolve();
    queue.pending = {};
    setStatus('saving');
    queue.running = saveAnswers(token, batch, false).then((outcome) => {
      queue.running = null;
      if (!outcome.ok && outcome.reason === 'failed') queue.pending = { ...batch, ...queue.pending };
      setStatus(outcome.ok ? 'saved' : outcome.reason === 'gone' ? 'gone' : 'failed');
      report.current(outcome, keys);
      if (outcome.ok && Object.keys(queue.pending).length && queue.timer === undefined) return flush();
    });
    return queue.running;
  };

  return {
    status,
    setStatus,
    save(key, value, when) {
      queue.pending[key] = value;
      clearTimeout(queue.timer);
      queue.timer = undefined;
      if (when === 'now') void flush();
      else
        queue.timer = setTimeout(() => {
          queue.timer = undefined;
          void flush();
        }, TYPING_PAUSE_MS);
    },
    flush,
    async settle() {
      clearTimeout(queue.timer);
      queue.timer = undefined;
      queue.pending = {};
      while (queue.running) await queue.running;
    },
  };
}
