/**
 * A long list in slices, so one statement's values stay far below PostgreSQL's 65,535-parameter limit and a big
 * import is not one huge IN list.
 */
export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
