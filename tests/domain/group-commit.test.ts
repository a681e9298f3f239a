import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/server/db/group-commit.js';

interface Item {
  key: string;
  value: number;
}

/** A writer whose statements finish when the test says so, recording every batch it was given. */
function controlledWriter(fail?: (batch: Item[]) => boolean) {
  const batches: Item[][] = [];
  const pending: Array<() => void> = [];
  const write = (batch: Item[]) => {
    batches.push(batch);
    return new Promise<string[]>((resolve, reject) => {
      pending.push(() => (fail?.(batch) ? reject(new Error(`failed ${batch.map((i) => i.value).join(',')}`)) : resolve(batch.map((i) => `${i.key}:${i.value}`))));
    });
  };
  const finishOne = async () => {
    pending.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { write, batches, finishOne, pendingCount: () => pending.length };
}

describe('group commit', () => {
  it('writes a lone item at once, then everything that arrived meanwhile as one batch', async () => {
    const writer = controlledWriter();
    const commit = groupCommit(writer.write, { maxBatch: 10, maxInFlight: 1, keyOf: (i) => i.key });
    const first = commit.submit({ key: 'a', value: 1 });
    expect(writer.batches).toEqual([[{ key: 'a', value: 1 }]]);
    const later = [commit.submit({ key: 'b', value: 2 }), commit.submit({ key: 'c', value: 3 }), commit.submit({ key: 'd', value: 4 })];
    expect(writer.batches).toHaveLength(1); // waiting for the first statement
    await writer.finishOne();
    expect(await first).toBe('a:1');
    expect(writer.batches[1]!.map((i) => i.value)).toEqual([2, 3, 4]);
    await writer.finishOne();
    expect(await Promise.all(later)).toEqual(['b:2', 'c:3', 'd:4']);
    expect(commit.stats()).toEqual({ statements: 2, items: 4 });
  });

  it('never puts two items with the same key in one batch, and keeps their order', async () => {
    const writer = controlledWriter();
    const commit = groupCommit(writer.write, { maxBatch: 10, maxInFlight: 1, keyOf: (i) => i.key });
    const results = [
      commit.submit({ key: 'a', value: 1 }),
      commit.submit({ key: 'a', value: 2 }),
      commit.submit({ key: 'b', value: 3 }),
      commit.submit({ key: 'a', value: 4 }),
      commit.submit({ key: 'c', value: 5 }),
    ];
    while (writer.pendingCount() > 0) await writer.finishOne();
    expect(writer.batches.map((b) => b.map((i) => i.value))).toEqual([[1], [2, 3, 5], [4]]);
    expect(await Promise.all(results)).toEqual(['a:1', 'a:2', 'b:3', 'a:4', 'c:5']);
  });

  it('does not write a key in two statements at once, even with several in flight', async () => {
    const writer = controlledWriter();
    const commit = groupCommit(writer.write, { maxBatch: 10, maxInFlight: 3, keyOf: (i) => i.key });
    void commit.submit({ key: 'a', value: 1 });
    void commit.submit({ key: 'a', value: 2 });
    void commit.submit({ key: 'b', value: 3 });
    expect(writer.batches.map((b) => b.map((i) => i.value))).toEqual([[1], [3]]); // a:2 waits for a:1
    await writer.finishOne();
    expect(writer.batches.map((b) => b.map((i) => i.value))).toEqual([[1], [3], [2]]);
  });

  it('respects the batch size', async () => {
    const writer = controlledWriter();
    const commit = groupCommit(writer.write, { maxBatch: 2, maxInFlight: 1, keyOf: (i) => i.key });
    const all = ['a', 'b', 'c', 'd', 'e'].map((key, value) => commit.submit({ key, value }));
    while (writer.pendingCount() > 0) await writer.finishOne();
    expect(writer.batches.map((b) => b.length)).toEqual([1, 2, 2]);
    expect(await Promise.all(all)).toHaveLength(5);
  });

  it('when a batch fails, writes each item on its own, so only the bad one fails', async () => {
    const writer = controlledWriter((batch) => batch.some((i) => i.value === 13));
    const commit = groupCommit(writer.write, { maxBatch: 10, maxInFlight: 1, keyOf: (i) => i.key });
    const first = commit.submit({ key: 'a', value: 1 });
    const good = commit.submit({ key: 'b', value: 2 });
    const bad = commit.submit({ key: 'c', value: 13 }).then(
      () => 'written',
      (error: Error) => error.message,
    );
    const alsoGood = commit.submit({ key: 'd', value: 4 });
    while (writer.pendingCount() > 0) await writer.finishOne();
    expect(await first).toBe('a:1');
    expect(await good).toBe('b:2');
    expect(await bad).toBe('failed 13');
    expect(await alsoGood).toBe('d:4');
    expect(writer.batches.map((b) => b.map((i) => i.value))).toEqual([[1], [2, 13, 4], [2], [13], [4]]);
  });
});
