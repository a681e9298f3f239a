/**
 * Group commit for a hot write path: requests that arrive while earlier ones are being written wait a moment
 * and are then written together, in one statement and one transaction. Nothing is delayed when the path is
 * quiet (a lone request starts at once); under load, one round trip, one plan and one commit serve many
 * requests. Each caller is answered only after the statement holding its item has committed, so an
 * acknowledgement still means "in the database".
 *
 * Items with the same key (the same survey link, say) are never in the same statement nor in two statements
 * at once: they are written one after the other, in the order they arrived.
 */
export interface GroupCommitOptions<Item> {
  /** Most items in one statement. */
  maxBatch: number;
  /** Statements running at the same time (each holds a pooled connection). */
  maxInFlight: number;
  keyOf: (item: Item) => string;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommit<Item, Result> {
  submit(item: Item): Promise<Result>;
  /** Statements run and items written so far (benchmarks print items per statement). */
  stats(): { statements: number; items: number };
}

/**
 * `write` receives a batch and returns one result per item, in the same order. If it throws, every item of
 * that batch is written again on its own, so one bad item (or a lost deadlock) fails only itself.
 */
export function groupCommit<Item, Result>(
  write: (items: Item[]) => Promise<Result[]>,
  options: GroupCommitOptions<Item>,
): GroupCommit<Item, Result> {
  const queue: Waiting<Item, Result>[] = [];
  const busyKeys = new Set<string>();
  let inFlight = 0;
  let statements = 0;
  let written = 0;

  function takeBatch(): Waiting<Item, Result>[] {
    const batch: Waiting<Item, Result>[] = [];
    const skipped = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < options.maxBatch; ) {
      const key = options.keyOf(queue[i]!.item);
      // A key already being written (or passed over here) waits, so its items keep their order.
      if (busyKeys.has(key) || skipped.has(key)) {
        skipped.add(key);
        i++;
        continue;
      }
      busyKeys.add(key);
      batch.push(queue.splice(i, 1)[0]!);
    }
    return batch;
  }

  async function writeBatch(batch: Waiting<Item, Result>[]) {
    let answerCallers: () => void;
    try {
      const results = await write(batch.map((w) => w.item));
      answerCallers = () => batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) answerCallers = () => batch[0]!.reject(error);
      else {
        const alone = await Promise.allSettled(batch.map((w) => write([w.item])));
        answerCallers = () =>
          alone.forEach((outcome, i) => (outcome.status === 'fulfilled' ? batch[i]!.resolve(outcome.value[0]!) : batch[i]!.reject(outcome.reason)));
      }
    }
    inFlight--;
    for (const w of batch) busyKeys.delete(options.keyOf(w.item));
    // The next statement goes to the database before these callers are answered, so that the database works
    // on it while this process writes their responses.
    pump();
    answerCallers();
  }

  function pump() {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = takeBatch();
      if (batch.length === 0) return; // everything waiting is behind a key in flight
      inFlight++;
      statements++;
      written += batch.length;
      void writeBatch(batch);
    }
  }

  return {
    stats: () => ({ statements, items: written }),
    submit(item) {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        pump();
      });
    },
  };
}
