/** The rows of a raw `db.execute` result: postgres.js returns an array, PGlite an object holding `rows`. */
export const rowsOf = <T>(result: unknown): T[] => (result as { rows?: T[] }).rows ?? (result as T[]);
