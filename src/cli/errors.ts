/** A mistake in how reachgraph was called; the message says how to call it right. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
