// Text in code-point order: the same on SQLite and on PostgreSQL, whose collation may sort letters' cases
// together. For lists Ordo sorts itself so that both databases answer alike.
export const byCodePoints = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
