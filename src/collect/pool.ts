/**
 * Bounded concurrency for per-item requests (members of each group, ARM details of each resource, …):
 * one limiter shared by every per-item family caps the requests in flight,
 * and results are handed on in input order, so a snapshot's files come out
 * the same from one run to the next.
 */

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
  const max = Math.max(1, Math.floor(limit));
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    const next = waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays put.
    if (next) next();
    else active -= 1;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < max) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/**
 * Runs `work` on every item through `limit` and calls `emit` with each result
 * in input order. At most `window` results wait for their turn, which bounds
 * memory when one item (a huge group) is slow. The first failure stops the
 * run: work not yet started sees its signal aborted, and the failure is thrown.
 */
export async function forEachInOrder<T, R>(
  items: readonly T[],
  options: { limit: Limiter; window: number; signal?: AbortSignal },
  work: (item: T, signal: AbortSignal) => Promise<R>,
  emit: (result: R, item: T) => Promise<void>,
): Promise<void> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const pending: Array<{ item: T; result: Promise<R> }> = [];
  const emitOldest = async (): Promise<void> => {
    const oldest = pending.shift() as { item: T; result: Promise<R> };
    await emit(await oldest.result, oldest.item);
  };
  try {
    for (const item of items) {
      if (pending.length >= Math.max(1, options.window)) await emitOldest();
      const result = options.limit(() => {
        signal.throwIfAborted();
        return work(item, signal);
      });
      // Awaited in order below; until then a rejection must not count as unhandled.
      result.catch(() => undefined);
      pending.push({ item, result });
    }
    while (pending.length > 0) await emitOldest();
  } finally {
    stop.abort();
  }
}
