import type { Db } from '../db/client.js';
import { groupCommit, type GroupCommit } from '../db/group-commit.js';
import { saveAnswersByTokens, type AnswersByToken } from '../db/queries/responses.js';

export type AnswerWriteResult = Awaited<ReturnType<typeof saveAnswersByTokens>>[number];
export type AnswerWrites = GroupCommit<AnswersByToken, AnswerWriteResult>;

/**
 * Answers arriving together are written together (group commit, one statement per batch): under load this is
 * what lets one database keep up with many respondents; alone, an answer is written at once. A link's answers
 * are written one after the other, in the order they arrived. One batch at a time: while it is written, the
 * next one fills up (measured with bench:submit: larger batches beat more batches in parallel).
 */
export function createAnswerWrites(db: Db): AnswerWrites {
  return groupCommit((batch: AnswersByToken[]) => saveAnswersByTokens(db, batch), {
    maxBatch: 64,
    maxInFlight: 1,
    keyOf: (item) => item.tokenHash,
  });
}
