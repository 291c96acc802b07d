/**
 * A connection to one tenant: its endpoints, its credential, and the client
 * options every Azure client of the connection shares (endpoint, token scope,
 * the throttling, request-counting and raw-body policies).
 */
import type { AdditionalPolicyConfig } from '@azure-rest/core-client';
import { type CloudEndpoints, defaultScope, type EndpointOptions, resolveEndpoints } from './clouds.js';
import { type ConnectionCredential, createCredential, type CredentialOptions } from './credential.js';
import { rawBodyPolicy } from '../http/raw-responses.js';
import { RequestStats, requestCountingPolicy } from '../http/request-stats.js';
import { throttlePolicy, type ThrottleOptions } from '../http/throttle-policy.js';

export interface ConnectionOptions extends EndpointOptions, CredentialOptions {
  /** A name for messages and the manifest (config files name their connections). */
  name?: string;
  /** Tests shorten throttling waits. */
  throttle?: Omit<ThrottleOptions, 'stats'>;
}

export interface AzureConnection {
  name: string;
  endpoints: CloudEndpoints;
  auth: ConnectionCredential;
  stats: RequestStats;
  /** Options for a modular Azure SDK client (or @azure-rest/core-client) talking to ARM. */
  armClientOptions(): ArmClientOptions;
  /**
   * Request counting for a pipeline that retries and throttles on its own
   * (the Microsoft Graph client): adding the SDK clients' throttling there
   * would retry every 429 a second time, after that pipeline gave up.
   */
  countingPolicies(service: string): AdditionalPolicyConfig[];
}

export interface ArmClientOptions {
  endpoint: string;
  credentials: { scopes: string[] };
  additionalPolicies: AdditionalPolicyConfig[];
  retryOptions: { maxRetries: number };
  userAgentOptions: { userAgentPrefix: string };
}

export async function openConnection(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Promise<AzureConnection> {
  const endpoints = resolveEndpoints(options, env);
  const auth = await createCredential(options, endpoints, env);
  const stats = new RequestStats();
  const throttle = throttlePolicy({ ...options.throttle, stats });
  // Per retry (after signing): every request on the wire is counted, and every 429, including those the SDK's own retry waits out.
  const countingPolicies = (service: string): AdditionalPolicyConfig[] => [{ policy: requestCountingPolicy(stats, service), position: 'perRetry' }];
  const armPolicies: AdditionalPolicyConfig[] = [
    // Raw bodies outermost: they see only the answer that ends a call's retries.
    { policy: rawBodyPolicy, position: 'perCall' },
    // Per call, so before the SDK signs the request: a retry after a long wait goes out with a fresh token.
    { policy: throttle, position: 'perCall' },
    ...countingPolicies('arm'),
  ];
  return {
    name: options.name ?? auth.tenantId ?? 'default',
    endpoints,
    auth,
    stats,
    countingPolicies,
    armClientOptions: () => ({
      endpoint: endpoints.resourceManager,
      credentials: { scopes: [defaultScope(endpoints.resourceManager)] },
      additionalPolicies: armPolicies,
      retryOptions: { maxRetries: 4 },
      userAgentOptions: { userAgentPrefix: 'reachgraph' },
    }),
  };
}
