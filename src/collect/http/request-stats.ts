import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { waitFromHeaders } from './throttle-policy.js';

/** What a collection cost: every HTTP request made, and the time spent waiting out throttling. */
export class RequestStats {
  requests = 0;
  /** Answers that told us to slow down (429), and quota-exhausted pauses taken before being told. */
  throttled = 0;
  throttleWaitMs = 0;
  readonly byService = new Map<string, number>();

  count(service: string): void {
    this.requests += 1;
    this.byService.set(service, (this.byService.get(service) ?? 0) + 1);
  }

  /** A slow-down: a 429 answer or a pause for a spent quota, and the time it costs (0 when another policy does the waiting). */
  recordThrottle(ms: number): void {
    this.throttled += 1;
    this.throttleWaitMs += ms;
  }

  /** Time waited for a throttle already counted. */
  recordWait(ms: number): void {
    this.throttleWaitMs += ms;
  }

  toJSON(): { requests: number; throttled: number; throttleWaitMs: number; byService: Record<string, number> } {
    return { requests: this.requests, throttled: this.throttled, throttleWaitMs: Math.round(this.throttleWaitMs), byService: Object.fromEntries([...this.byService].sort()) };
  }
}

/**
 * Counts each HTTP request that goes on the wire (placed per retry, so
 * retries count too) and each 429, with the wait its Retry-After asks for:
 * the SDK's own retry policy waits that out before the throttle policy
 * would see it.
 */
export function requestCountingPolicy(stats: RequestStats, service: string): PipelinePolicy {
  return {
    name: `reachgraphRequestCounting-${service}`,
    async sendRequest(request, next) {
      stats.count(service);
      const response = await next(request);
      if (response.status === 429) stats.recordThrottle(waitFromHeaders(response) ?? 0);
      return response;
    },
  };
}
