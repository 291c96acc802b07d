/**
 * Retries for Microsoft Graph, in place of the SDK's default retry policy.
 *
 * The SDK's policy honours Retry-After on 429/503, but hands back a 429 that
 * carries no Retry-After (Graph sends some), and waits on its own timers,
 * which tests cannot shorten. This one does both: Retry-After (seconds, a
 * date, or retry-after-ms) when Graph gives it, exponential backoff with
 * jitter otherwise, for throttling, transient server errors and dropped
 * connections. It sits in the Retry phase, before the bearer-token policy,
 * so every attempt takes a current token from the credential.
 */
import type { AbortSignalLike } from '@azure/abort-controller';
import { isRestError, type PipelinePolicy, type PipelineResponse } from '@azure/core-rest-pipeline';
import { delay } from '@azure/core-util';
import { waitFromHeaders } from '../http/throttle-policy.js';

export type Sleep = (ms: number, signal?: AbortSignalLike) => Promise<void>;

export const realSleep: Sleep = (ms, signal) => delay(ms, signal ? { abortSignal: signal } : {});

export interface GraphRetryOptions {
  sleep?: Sleep;
  /** Retries after the first attempt (default 6: about a minute of backoff). */
  maxRetries?: number;
  /** First backoff step when Graph names no wait (default 1 s, doubling). */
  baseDelayMs?: number;
  /** Upper bound for one wait, told or not (default 120 s). */
  maxDelayMs?: number;
}

/** 429 throttled, 503/502/504 and 500 transient on Graph's side, 408 a slow hop. */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Connections that broke on the way; refused connections and unknown hosts are configuration errors, not retried. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE']);

function isTransientNetworkError(error: unknown): boolean {
  return isRestError(error) && !error.response && TRANSIENT_NETWORK_CODES.has(error.code ?? '');
}

export const graphRetryPolicyName = 'reachgraphGraphRetry';

export function graphRetryPolicy(options: GraphRetryOptions = {}): PipelinePolicy {
  const sleep = options.sleep ?? realSleep;
  const maxRetries = options.maxRetries ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 120_000;
  return {
    name: graphRetryPolicyName,
    async sendRequest(request, next) {
      for (let attempt = 0; ; attempt += 1) {
        let response: PipelineResponse | undefined;
        try {
          response = await next(request);
        } catch (error) {
          if (attempt >= maxRetries || !isTransientNetworkError(error) || request.abortSignal?.aborted) throw error;
        }
        if (response && (attempt >= maxRetries || !RETRIED_STATUSES.has(response.status))) return response;
        const told = response ? waitFromHeaders(response) : undefined;
        const backoff = baseDelayMs * 2 ** attempt * (0.8 + Math.random() * 0.4);
        await sleep(Math.min(told ?? backoff, maxDelayMs), request.abortSignal);
      }
    },
  };
}
