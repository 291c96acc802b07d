/**
 * The SDKs hand back deserialised models: ARM's `properties` flattened, some
 * fields renamed. A snapshot keeps what ARM sent, so this policy records the
 * parsed body of every successful JSON answer made inside `captureRawBodies`
 * — paged follow-up requests included, which the SDKs' `onResponse` option
 * does not reach. AsyncLocalStorage ties answers to the call that made them,
 * so concurrent listings do not mix.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

const sink = new AsyncLocalStorage<unknown[]>();

export const rawBodyPolicy: PipelinePolicy = {
  name: 'reachgraphRawBodies',
  async sendRequest(request, next) {
    const response = await next(request);
    const bodies = sink.getStore();
    if (bodies && response.status >= 200 && response.status < 300 && response.bodyAsText) bodies.push(JSON.parse(response.bodyAsText));
    return response;
  },
};

/** Runs `work` and returns, with its result, the raw JSON bodies of every successful answer it received, in order. */
export async function captureRawBodies<T>(work: () => Promise<T>): Promise<{ result: T; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const result = await sink.run(bodies, work);
  return { result, bodies };
}
