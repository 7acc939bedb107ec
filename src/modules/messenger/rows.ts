/** Rows of a drizzle `db.execute` result (typed `unknown` over the generic driver; both drivers answer `{ rows }`). */
export const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;
