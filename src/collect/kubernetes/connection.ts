/**
 * GETs against one AKS API server, authenticated and trusted the way its
 * kubeconfig says. @kubernetes/client-node reads the kubeconfig and turns it
 * into TLS material and headers; the requests themselves are plain HTTPS so
 * the JSON stays exactly as the server sent it (the typed clients turn
 * timestamps into Dates and drop fields they do not know).
 *
 * Exec plugins (kubelogin) and auth-providers (the legacy `azure` one) are
 * never run: they would spawn programs named by a file fetched from ARM, and
 * they sign in interactively. Entra ID clusters are reached with a token from
 * the caller instead, fetched afresh for every request.
 */
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import { createSecureContext, type TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { parseRetryAfter } from '../http/retry-after.js';

const gunzipAsync = promisify(gunzip);

/** Attempts per request for 429, 5xx and broken connections. */
export const MAX_ATTEMPTS = 5;
const MAX_WAIT_MS = 60_000;
const RESPONSE_TIMEOUT_MS = 60_000;
/** A page of 500 pods is a few megabytes; far beyond that is a broken server or proxy, not a page. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;
/** Answers worth waiting for: throttling and a server that is briefly unwell. */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
/** The Entra ID application every AKS API server accepts tokens for. */
export const AKS_SERVER_APPLICATION = '6dae42f8-4368-4678-94ff-3960e28e3630';

/** The kubeconfig cannot be used: nothing was sent. The message never quotes the kubeconfig. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

/** No HTTP answer: the network, TLS or the token provider failed. */
export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';
}

export interface ApiAnswer {
  status: number;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  body: unknown;
}

export interface ApiServerOptions {
  kubeconfig: string;
  getToken?: () => Promise<string>;
  /** Sockets kept open to the server: one per kind listed at once. */
  maxSockets: number;
  signal?: AbortSignal;
  onRequest?: () => void;
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  connectTimeoutMs?: number;
}

interface Session {
  server: string;
  agent: https.Agent;
  headers: Record<string, string>;
  basicAuth: string | undefined;
  /** How the credentials were given, for the 401 fix. */
  credentials: 'token provider' | 'kubeconfig';
}

function describeYamlError(error: unknown): string {
  const { reason, mark } = error as { reason?: unknown; mark?: { line?: unknown } };
  if (typeof reason === 'string') {
    // js-yaml's message quotes the lines around the error, which can hold a token or key: give the reason and line only.
    return `the kubeconfig is not valid YAML: ${reason}${typeof mark?.line === 'number' ? ` (line ${mark.line + 1})` : ''}`;
  }
  return `the kubeconfig cannot be read: ${(error as Error).message}`;
}

function entraSignIn(user: { name: string; exec?: { command?: unknown }; authProvider?: { name?: unknown } }): string {
  const how = user.exec ? `the exec plugin "${String(user.exec.command ?? '?')}"` : `the "${String(user.authProvider?.name ?? '?')}" auth-provider`;
  return (
    `the kubeconfig user "${user.name}" signs in with ${how} (Microsoft Entra ID), which reachgraph does not run: ` +
    `give the collector an Entra ID token provider for the AKS server application (${AKS_SERVER_APPLICATION}), or use local-account credentials`
  );
}

async function openSession(options: ApiServerOptions): Promise<Session> {
  // Loaded on first use: the package takes most of a second of CPU to import, which no other command should pay.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const parsed = new KubeConfig();
  try {
    parsed.loadFromString(options.kubeconfig);
  } catch (error) {
    throw new KubeconfigError(describeYamlError(error));
  }
  const contextName = parsed.getCurrentContext();
  const context = contextName ? parsed.getContextObject(contextName) : null;
  if (!context) {
    throw new KubeconfigError(
      'the kubeconfig has no current-context naming one of its contexts (listClusterUserCredentials returns kubeconfigs base64-encoded: decode the value first)',
    );
  }
  const cluster = parsed.getCluster(context.cluster);
  const user = parsed.getUser(context.user);
  if (!cluster) throw new KubeconfigError(`the kubeconfig's context "${context.name}" names cluster "${context.cluster}", which it does not define`);
  if (!user) throw new KubeconfigError(`the kubeconfig's context "${context.name}" names user "${context.user}", which it does not define`);
  if (!cluster.server.startsWith('https://')) throw new KubeconfigError(`the API server address must be https://…, not ${cluster.server.split('://')[0]}://…`);
  if (cluster.skipTLSVerify) {
    throw new KubeconfigError(
      'the kubeconfig turns certificate checks off (insecure-skip-tls-verify); reachgraph verifies every API server: give its certificate-authority-data instead',
    );
  }
  if (cluster.proxyUrl) throw new KubeconfigError('the kubeconfig names a proxy-url, which the collector does not support: reach the API server directly');
  if (!options.getToken) {
    if (user.exec || user.authProvider) throw new KubeconfigError(entraSignIn(user));
    if (!user.token && !user.certData && !user.certFile && !user.username) {
      throw new KubeconfigError(`the kubeconfig user "${user.name}" has no credentials (token, client certificate or password)`);
    }
  }

  // With a token provider the user's own credentials are left out: a client certificate would otherwise win over the bearer token.
  const session = new KubeConfig();
  session.loadFromClusterAndUser(cluster, options.getToken ? { name: user.name } : user);
  const applied: https.RequestOptions = {};
  try {
    await session.applyToHTTPSOptions(applied);
    // A malformed CA or key would otherwise surface at connect time, looking like an untrusted server.
    if (applied.ca) new X509Certificate(applied.ca as Buffer);
    createSecureContext({ cert: applied.cert, key: applied.key });
  } catch (error) {
    throw new KubeconfigError(`the kubeconfig's certificates cannot be used (certificate-authority-data, client-certificate-data, client-key-data): ${(error as Error).message}`);
  }
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: options.maxSockets,
    ca: applied.ca,
    cert: applied.cert,
    key: applied.key,
    servername: applied.servername,
  });
  const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': 'gzip', 'user-agent': 'reachgraph' };
  for (const [name, value] of Object.entries(applied.headers ?? {})) if (typeof value === 'string') headers[name] = value;
  return { server: cluster.server, agent, headers, basicAuth: applied.auth ?? undefined, credentials: options.getToken ? 'token provider' : 'kubeconfig' };
}

const codeError = (code: string, message: string) => Object.assign(new Error(message), { code });

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(url: URL, session: Session, headers: Record<string, string>, connectTimeoutMs: number, signal: AbortSignal | undefined): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: 'GET', agent: session.agent, headers, auth: session.basicAuth, signal, timeout: RESPONSE_TIMEOUT_MS }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) request.destroy(codeError('ERR_BUFFER_TOO_LARGE', 'answer too large'));
        else chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        const answer = { status: response.statusCode ?? 0, headers: response.headers };
        if (response.headers['content-encoding'] !== 'gzip') resolve({ ...answer, body });
        else gunzipAsync(body, { maxOutputLength: MAX_BODY_BYTES }).then((plain) => resolve({ ...answer, body: plain }), reject);
      });
    });
    request.on('socket', (socket: TLSSocket) => {
      if (!socket.connecting) return;
      // The socket timeout alone would give an address that drops packets (a private cluster's, from outside) a full minute.
      const timer = setTimeout(() => request.destroy(codeError('ETIMEDOUT', `no TLS connection within ${connectTimeoutMs} ms`)), connectTimeoutMs);
      socket.once('secureConnect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    request.on('timeout', () => request.destroy(codeError('ESTALLED', `no answer within ${RESPONSE_TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
    request.end();
  });
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EADDRNOTAVAIL']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const isTlsCode = (code: string) => /CERT|SELF_SIGNED|UNABLE_TO_|ERR_TLS|ERR_SSL|ERR_OSSL|EPROTO|HOSTNAME_MISMATCH/.test(code);

/** What broke, and whether trying again can help. */
function describeTransportError(error: unknown, server: string, reached: boolean): { message: string; retry: boolean } {
  const code = String((error as { code?: unknown }).code ?? (error as Error).name ?? 'error');
  const { host } = new URL(server);
  if (code === 'ERR_BUFFER_TOO_LARGE') {
    return { message: `an answer of ${host} exceeds ${MAX_BODY_BYTES / 1024 / 1024} MiB: collect with a smaller pageSize`, retry: false };
  }
  if (isTlsCode(code)) {
    return {
      message:
        `the API server ${host} presented a certificate its kubeconfig does not vouch for (${code}): ` +
        'the kubeconfig\'s certificate-authority-data must be the cluster\'s CA — fetch fresh credentials (listClusterUserCredentials) after a certificate rotation',
      retry: false,
    };
  }
  if (DNS_CODES.has(code)) {
    return {
      message: `cannot resolve ${host} (${code}): a private cluster's API server name resolves only inside its virtual network — run reachgraph from a network that reaches it`,
      retry: false,
    };
  }
  if (CONNECT_CODES.has(code) && !reached) {
    return {
      message:
        `cannot connect to the API server ${host} (${code}: ${(error as Error).message}): it is not reachable from here — a private cluster, or authorized IP ranges that exclude this address; ` +
        'run reachgraph where it reaches the API server, or add this address to the cluster\'s authorized IP ranges',
      retry: false,
    };
  }
  return { message: `the connection to the API server ${host} failed (${code}: ${(error as Error).message}); try again`, retry: true };
}

/** Retry-After in seconds or as an HTTP date, else the Status body's retryAfterSeconds. */
function retryAfterMs(headers: RawAnswer['headers'], body: unknown): number | undefined {
  const header = headers['retry-after'];
  const told = parseRetryAfter(Array.isArray(header) ? header[0] : header);
  if (told !== undefined) return told;
  const seconds = (body as { details?: { retryAfterSeconds?: unknown } } | undefined)?.details?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : undefined;
}

const backoffMs = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 30_000) * (0.8 + Math.random() * 0.4);

function parseBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export class ApiServer {
  /** HTTP requests sent, retries included. */
  requests = 0;
  /** Some request got an HTTP answer: connection failures from then on are blips, not an unreachable server. */
  private reached = false;

  private constructor(
    private readonly session: Session,
    private readonly options: ApiServerOptions,
  ) {}

  /** Reads the kubeconfig; throws KubeconfigError when it cannot be used. */
  static async open(options: ApiServerOptions): Promise<ApiServer> {
    return new ApiServer(await openSession(options), options);
  }

  get credentials(): Session['credentials'] {
    return this.session.credentials;
  }

  /**
   * One GET, retried on 429, 5xx and broken connections (honouring
   * Retry-After) up to MAX_ATTEMPTS; any other answer is returned as is.
   * Throws TransportFailure when no answer came, or the abort reason.
   */
  async get(path: string, query: Record<string, string | undefined>): Promise<ApiAnswer> {
    const url = new URL(this.session.server + path);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    const wait = this.options.wait ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
    for (let attempt = 1; ; attempt += 1) {
      const headers = await this.headers();
      this.requests += 1;
      this.options.onRequest?.();
      let answer: RawAnswer;
      try {
        answer = await send(url, this.session, headers, this.options.connectTimeoutMs ?? 10_000, this.options.signal);
      } catch (error) {
        this.options.signal?.throwIfAborted();
        const failure = describeTransportError(error, this.session.server, this.reached);
        if (!failure.retry || attempt >= MAX_ATTEMPTS) throw new TransportFailure(failure.message);
        await wait(backoffMs(attempt), this.options.signal);
        continue;
      }
      this.reached = true;
      const body = parseBody(answer.body);
      if (RETRIED_STATUSES.has(answer.status) && attempt < MAX_ATTEMPTS) {
        await wait(Math.min(retryAfterMs(answer.headers, body) ?? backoffMs(attempt), MAX_WAIT_MS), this.options.signal);
        continue;
      }
      return { status: answer.status, body };
    }
  }

  close(): void {
    this.session.agent.destroy();
  }

  private async headers(): Promise<Record<string, string>> {
    const { getToken } = this.options;
    if (!getToken) return this.session.headers;
    let token: unknown;
    try {
      token = await getToken();
    } catch (error) {
      this.options.signal?.throwIfAborted();
      throw new TransportFailure(`the token provider failed: ${(error as Error).message}`);
    }
    if (typeof token !== 'string' || token === '') throw new TransportFailure('the token provider returned no token');
    return { ...this.session.headers, authorization: `Bearer ${token}` };
  }
}
