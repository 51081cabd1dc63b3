/**
 * Filter values no row can hold, answered "no rows" before the query (the same answer on both engines). PostgreSQL
 * refuses to compare them — a 500 — where SQLite just finds nothing:
 *  - text with U+0000 (NUL): PostgreSQL `text` cannot hold it ("invalid byte sequence"); the stores refuse it or
 *    write U+FFFD instead, so on SQLite too no row equals it;
 *  - a number that is not an integer within an `integer` column's range ("out of range for type integer",
 *    "invalid input syntax" for NaN or 1.5).
 */

/** The largest value of a PostgreSQL `integer` (patrol routes and rounds, dispatches, users, alarms). */
export const INT32_MAX = 2 ** 31 - 1;

/** Does any of these filter strings hold U+0000? */
export const holdsNul = (...values: (string | null | undefined)[]): boolean => values.some((v) => typeof v === 'string' && v.includes('\u0000'));

/** Is `n` (when given) a value an `integer` column can hold? */
export const fitsInt32 = (n: number | undefined): boolean => n === undefined || (Number.isInteger(n) && Math.abs(n) <= INT32_MAX);
