/**
 * Plain ARM calls for what no SDK named by the project covers (subscriptions,
 * management groups, role assignments, App Service configuration), through
 * the Azure SDK's own REST client so they share the connection's pipeline:
 * token per request, retries, throttling, request counting.
 */
import { getClient, type Client } from '@azure-rest/core-client';
import type { AzureConnection } from '../connection/connection.js';

/** An ARM answer other than 2xx, with ARM's error code (`AuthorizationFailed`, `ResourceNotFound`, …). */
export class ArmRequestError extends Error {
  override readonly name = 'ArmRequestError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function armError(status: number, body: unknown, path: string): ArmRequestError {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return new ArmRequestError(status, error?.code ?? `HTTP${status}`, error?.message ?? `ARM answered ${status} for ${path}`);
}

export class ArmRest {
  private readonly client: Client;

  constructor(connection: AzureConnection) {
    const options = connection.armClientOptions();
    this.client = getClient(options.endpoint, connection.auth.credential, options);
  }

  get(path: string, apiVersion: string, query: Record<string, string> = {}): Promise<unknown> {
    return this.send(path, { 'api-version': apiVersion, ...query });
  }

  /** A GET whose answer must be 2xx; a `nextLink` carries its own query, so it goes without one. */
  private async send(path: string, query?: Record<string, string>): Promise<unknown> {
    const response = await this.client.pathUnchecked(path).get({ ...(query ? { queryParameters: query } : {}), skipUrlEncoding: true });
    if (!/^2/.test(response.status)) throw armError(Number(response.status), response.body, path);
    return response.body;
  }

  async post(path: string, apiVersion: string, body: unknown = {}): Promise<unknown> {
    const response = await this.client.pathUnchecked(path).post({ queryParameters: { 'api-version': apiVersion }, body });
    if (!/^2/.test(response.status)) throw armError(Number(response.status), response.body, path);
    return response.body;
  }

  /** Every item of an ARM list, following `nextLink` as given (it carries its own api-version and skip token). */
  async *list(path: string, apiVersion: string, query: Record<string, string> = {}): AsyncGenerator<Record<string, unknown>> {
    let page = (await this.get(path, apiVersion, query)) as { value?: Array<Record<string, unknown>>; nextLink?: string };
    for (;;) {
      yield* page.value ?? [];
      if (!page.nextLink) return;
      page = (await this.send(page.nextLink)) as typeof page;
    }
  }
}
