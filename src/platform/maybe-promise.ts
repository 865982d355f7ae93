// A value at hand on a hot path (a cache hit) or a promise of it (a lookup): the hit carries on in its own tick,
// where awaiting it would cost a promise and a turn of the microtask queue per request.
export type MaybePromise<T> = T | Promise<T>

/** `next(value)` at once for a value, once it settles for a promise. */
export const andThen = <T, U>(value: MaybePromise<T>, next: (value: T) => U): MaybePromise<U> =>
  value instanceof Promise ? value.then(next) : next(value)
