/**
 * Reads Microsoft Graph list pages over an Azure SDK pipeline: the bearer
 * token comes from the credential on every request (so a token that expires
 * mid-collection is simply replaced), retries are Graph's own (graph-retry.ts),
 * and the caller's policies (request counting, shared throttling) join in.
 */
import type { AdditionalPolicyConfig } from '@azure-rest/core-client';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  isRestError,
  type HttpClient,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import { graphRetryPolicy, type Sleep } from './graph-retry.js';

/** A Graph answer other than 200, with Graph's own error code and message when the body had them. */
export class GraphResponseError extends Error {
  override readonly name = 'GraphResponseError';
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly graphMessage: string | undefined,
    /** Path and query of the request (never a token). */
    readonly target: string,
  ) {
    super(`GET ${target} answered ${status}${code ? ` ${code}` : ''}${graphMessage ? `: ${graphMessage}` : ''}`);
  }
}

/** The credential could not produce a token; `cause` is its own error. */
export class TokenAcquisitionError extends Error {
  override readonly name = 'TokenAcquisitionError';
}

/** A nextLink naming another host than the Graph endpoint: the token is not sent there. */
export class ForeignLinkError extends Error {
  override readonly name = 'ForeignLinkError';
}

/** The request never got an answer: network or TLS. `code` is Node's (ECONNREFUSED, CERT_HAS_EXPIRED…). */
export class GraphTransportError extends Error {
  override readonly name = 'GraphTransportError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface GraphPage {
  context: string | undefined;
  items: unknown[];
  /** The next page's URL exactly as Graph gave it (its $skiptoken is opaque). */
  nextLink: string | undefined;
}

export interface GraphClientOptions {
  credential: TokenCredential;
  /** `https://graph.microsoft.com` or a sovereign cloud's / test double's Graph host. */
  graphEndpoint: string;
  additionalPolicies?: AdditionalPolicyConfig[];
  sleep?: Sleep;
}

export interface GraphClient {
  /** `https://<graph>/v1.0`, no trailing slash. */
  readonly base: string;
  url(path: string, query: string): string;
  getPage(url: string, signal?: AbortSignal): Promise<GraphPage>;
}

/** Tags the credential's failures so they are told apart from Graph's. */
function taggedCredential(credential: TokenCredential, scope: string): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      try {
        return await credential.getToken(scopes, options);
      } catch (error) {
        if ((error as Error)?.name === 'AbortError') throw error;
        throw new TokenAcquisitionError(`could not get an access token for ${scope}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      }
    },
  };
}

function createPipeline(options: GraphClientOptions, scope: string): Pipeline {
  const pipeline = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: 'reachgraph' } });
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  pipeline.addPolicy(graphRetryPolicy(options.sleep ? { sleep: options.sleep } : {}), { phase: 'Retry' });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: taggedCredential(options.credential, scope), scopes: scope }), { phase: 'Sign' });
  // As the SDK clients place them: per-retry policies after Sign see every attempt on the wire.
  for (const { policy, position } of options.additionalPolicies ?? []) {
    pipeline.addPolicy(policy, position === 'perRetry' ? { afterPhase: 'Sign' } : {});
  }
  return pipeline;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const endpoint = options.graphEndpoint.replace(/\/+$/, '');
  const origin = new URL(endpoint).origin;
  const scope = `${endpoint}/.default`;
  const base = `${endpoint}/v1.0`;
  const pipeline = createPipeline(options, scope);
  const httpClient: HttpClient = createDefaultHttpClient();

  const getPage = async (url: string, signal?: AbortSignal): Promise<GraphPage> => {
    const parsed = new URL(url);
    const target = `${parsed.pathname}${parsed.search}`;
    // A nextLink is followed verbatim, but the token goes to Graph's own host only.
    if (parsed.origin !== origin) throw new ForeignLinkError(`a nextLink leads from ${origin} to ${parsed.origin}, where reachgraph does not send the Graph token`);
    const request = createPipelineRequest({ url, method: 'GET', headers: createHttpHeaders({ accept: 'application/json' }), ...(signal ? { abortSignal: signal } : {}) });
    let response;
    try {
      response = await pipeline.sendRequest(httpClient, request);
    } catch (error) {
      if (isRestError(error) && !error.response) throw new GraphTransportError(`could not reach ${origin} (${error.code ?? 'no code'}: ${error.message})`, error.code);
      throw error;
    }
    const body = parseJson(response.bodyAsText ?? undefined) as Record<string, unknown> | undefined;
    if (response.status !== 200) {
      const detail = (body?.error ?? {}) as { code?: unknown; message?: unknown };
      throw new GraphResponseError(
        response.status,
        typeof detail.code === 'string' ? detail.code : undefined,
        typeof detail.message === 'string' ? detail.message : undefined,
        target,
      );
    }
    if (!body || !Array.isArray(body.value)) throw new GraphResponseError(response.status, undefined, 'the answer is not a Graph list (no "value" array)', target);
    return {
      context: typeof body['@odata.context'] === 'string' ? body['@odata.context'] : undefined,
      items: body.value,
      nextLink: typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined,
    };
  };

  return {
    base,
    url: (path, query) => `${base}${path}${query ? `?${query}` : ''}`,
    getPage,
  };
}
