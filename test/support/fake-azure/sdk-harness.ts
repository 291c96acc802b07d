/**
 * For the fake's self-tests: the real SDK credential and client options
 * pointed at a running fake, a policy recording every answer the clients
 * receive (to check headers, and that no body ever holds the secret), and a
 * raw HTTPS call for what an SDK would hide.
 */
import { request as httpsRequest } from 'node:https';
import { bearerTokenAuthenticationPolicy, createDefaultHttpClient, createPipelineFromOptions, createPipelineRequest, type PipelinePolicy } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/core-auth';
import { ClientSecretCredential } from '@azure/identity';
import { DEFAULT_CLIENT_SECRET } from './defaults.js';
import type { RunningFakeAzure } from './index.js';

export interface Recorded {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function recorder(): { policy: PipelinePolicy; answers: Recorded[] } {
  const answers: Recorded[] = [];
  return {
    answers,
    policy: {
      name: 'fakeAzureRecorder',
      async sendRequest(request, next) {
        const response = await next(request);
        answers.push({ method: request.method, url: request.url, status: response.status, headers: response.headers.toJSON(), body: response.bodyAsText ?? '' });
        return response;
      },
    },
  };
}

export const secretCredential = (azure: RunningFakeAzure, secret = DEFAULT_CLIENT_SECRET, clientId = azure.state.app.clientId, tenantId = azure.state.tenant.id): ClientSecretCredential =>
  new ClientSecretCredential(tenantId, clientId, secret, { authorityHost: azure.loginUrl, disableInstanceDiscovery: true });

/** Options every ARM client of the tests takes: the fake's endpoint, its scope, fast retries, the recorder. */
export function armOptions(azure: RunningFakeAzure, policy: PipelinePolicy) {
  return {
    endpoint: azure.armUrl,
    credentials: { scopes: [`${azure.armUrl}/.default`] },
    retryOptions: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 5 },
    additionalPolicies: [{ policy, position: 'perRetry' as const }],
  };
}

/** Generic ARM calls through @azure/core-rest-pipeline, as the collector makes them for what no SDK covers. */
export function armPipeline(azure: RunningFakeAzure, credential: TokenCredential, policy: PipelinePolicy) {
  const pipeline = createPipelineFromOptions({ retryOptions: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 5 } });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: `${azure.armUrl}/.default` }));
  pipeline.addPolicy(policy, { afterPhase: 'Retry' });
  const client = createDefaultHttpClient();
  return async (method: 'GET' | 'POST', pathOrUrl: string, body?: unknown): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }> => {
    const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${azure.armUrl}${pathOrUrl}`;
    const request = createPipelineRequest({ url, method });
    if (body !== undefined) {
      request.body = JSON.stringify(body);
      request.headers.set('content-type', 'application/json');
    }
    const response = await pipeline.sendRequest(client, request);
    return { status: response.status, headers: response.headers.toJSON(), body: JSON.parse(response.bodyAsText ?? '{}') as Record<string, unknown> };
  };
}

/** What an SDK call threw (a RestError or an identity error), or an empty object when it succeeded. */
export type Failure = { name?: string; statusCode?: number; code?: string; message?: string; details?: { error?: { details?: Array<{ code?: string }> } } };
export const failureOf = (promise: Promise<unknown>): Promise<Failure> => promise.then(() => ({}), (error: unknown) => error as Failure);

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => Record<string, unknown>;
}

/** One HTTPS request, trusting the test certificate through Node's default CA store as the SDKs do. */
export function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, unknown> });
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}
