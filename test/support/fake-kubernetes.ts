/**
 * A Kubernetes API server on 127.0.0.1 that answers cluster-wide lists the
 * way kube-apiserver does: typed lists (`PodList`) whose items omit kind and
 * apiVersion, chunking with `limit` and an opaque `continue` token plus
 * `metadata.remainingItemCount`, `Status` bodies for every error, bearer-token
 * authentication (401 otherwise), and gzip for large answers when the client
 * accepts it. Faults are injected per kind: 403, 404 (an API the cluster
 * lacks), 429 with Retry-After, 5xx, 410 Expired continue tokens, a cut
 * connection.
 *
 * Its objects come from a kubectl dump folder (`objectsFromSnapshotFolder`)
 * or are generated (`syntheticCluster`, for benchmarks). Its kubeconfigs are
 * shaped as AKS hands them out, trusting the test certificate through
 * certificate-authority-data like a real cluster's CA.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import YAML from 'yaml';
import { sendJson, startHttpsServer, testCertificate } from './https-server.js';

export type KubeObject = Record<string, unknown>;
/** Objects by kind (`Pod`, `Deployment`, …). */
export type KubeObjects = Record<string, KubeObject[]>;

/** What this fake serves, independent of the collector's own table on purpose. */
const RESOURCES: Record<string, { group: string; version: string; plural: string }> = {
  Namespace: { group: '', version: 'v1', plural: 'namespaces' },
  Node: { group: '', version: 'v1', plural: 'nodes' },
  Pod: { group: '', version: 'v1', plural: 'pods' },
  Service: { group: '', version: 'v1', plural: 'services' },
  ServiceAccount: { group: '', version: 'v1', plural: 'serviceaccounts' },
  Secret: { group: '', version: 'v1', plural: 'secrets' },
  ConfigMap: { group: '', version: 'v1', plural: 'configmaps' },
  Deployment: { group: 'apps', version: 'v1', plural: 'deployments' },
  ReplicaSet: { group: 'apps', version: 'v1', plural: 'replicasets' },
  StatefulSet: { group: 'apps', version: 'v1', plural: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', plural: 'daemonsets' },
  Job: { group: 'batch', version: 'v1', plural: 'jobs' },
  CronJob: { group: 'batch', version: 'v1', plural: 'cronjobs' },
  EndpointSlice: { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices' },
  Ingress: { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' },
  IngressClass: { group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses' },
  NetworkPolicy: { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies' },
};

const GZIP_THRESHOLD = 128 * 1024;
const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, ' +
  'or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an ' +
  'inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export interface FakeKubernetesOptions {
  objects: KubeObjects;
  /** The bearer token accepted at first; random by default. Change it with `fake.token = …`. */
  token?: string;
  /** Compress answers of 128 KiB or more for clients that accept gzip, as kube-apiserver does (default true). */
  gzip?: boolean;
  /** Also accept bearer tokens this approves: an Entra ID cluster accepts any valid token for the AKS server application. */
  acceptToken?: (authorization: string) => boolean;
}

export interface FakeRequest {
  path: string;
  query: Record<string, string>;
  /** 0 when the connection was cut. */
  status: number;
  gzip: boolean;
}

export interface FakeKubeconfigOptions {
  /**
   * `entra`: the exec kubelogin user of an Entra ID cluster (listClusterUserCredentials, format=exec);
   * `azure-auth-provider`: the legacy `azure` auth-provider (format=azure);
   * `local`: a local account, client certificate and static token (default).
   */
  user?: 'entra' | 'azure-auth-provider' | 'local';
  /** The local account's token; the fake's current one by default. */
  token?: string;
  /** Another API server address (a closed port, say). */
  server?: string;
  /** Leave certificate-authority-data out, so the test certificate is not trusted. */
  withoutCertificateAuthority?: boolean;
  clusterName?: string;
}

export interface FakeKubernetes {
  url: string;
  port: number;
  /** The bearer token accepted now; assign to rotate it. */
  token: string;
  /** Every request answered, in order. */
  requests: FakeRequest[];
  /** Answers 403 to lists of this kind. */
  forbid(kind: string): void;
  /** Answers 404, as a cluster without this API would. */
  unserve(kind: string): void;
  /** The next `times` lists of this kind get 429 with Retry-After. */
  throttle(kind: string, times: number, retryAfterSeconds: number): void;
  /** The next `times` lists of this kind get this 5xx status. */
  fail(kind: string, status: number, times: number): void;
  /** The next `times` continued lists of this kind get 410 Expired. */
  expireContinue(kind: string, times: number): void;
  /** The next `times` lists of this kind have their connection cut instead of an answer. */
  drop(kind: string, times: number): void;
  kubeconfig(options?: FakeKubeconfigOptions): string;
  close(): Promise<void>;
}

const status = (code: number, reason: string, message: string, extra: Record<string, unknown> = {}) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...extra,
  code,
});

interface ContinueKey {
  v: string;
  rv: number;
  start: number;
}

const encodeContinue = (key: ContinueKey) => Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeContinue(token: string): ContinueKey | undefined {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ContinueKey>;
    return key.v === 'meta.k8s.io/v1' && typeof key.rv === 'number' && typeof key.start === 'number' ? (key as ContinueKey) : undefined;
  } catch {
    return undefined;
  }
}

export async function startFakeKubernetes(options: FakeKubernetesOptions): Promise<FakeKubernetes> {
  // The objects never change, so every list is served from one etcd revision.
  const resourceVersion = 48213;
  // Serialized once: list items as the server stores them, without kind and apiVersion.
  const stored = new Map<string, string[]>();
  for (const [kind, objects] of Object.entries(options.objects)) {
    stored.set(kind, objects.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => JSON.stringify(rest)));
  }
  const byPath = new Map<string, string>();
  for (const [kind, resource] of Object.entries(RESOURCES)) {
    byPath.set(resource.group ? `/apis/${resource.group}/${resource.version}/${resource.plural}` : `/api/${resource.version}/${resource.plural}`, kind);
  }
  const forbidden = new Set<string>();
  const unserved = new Set<string>();
  const throttled = new Map<string, { times: number; retryAfterSeconds: number }>();
  const failing = new Map<string, { times: number; status: number }>();
  const expiring = new Map<string, number>();
  const dropping = new Map<string, number>();
  const requests: FakeRequest[] = [];
  const useGzip = options.gzip ?? true;

  const server = await startHttpsServer((request, response) => {
    const url = new URL(request.url ?? '/', 'https://fake');
    const query = Object.fromEntries(url.searchParams);
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    const answer = (code: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ path: url.pathname, query, status: code, gzip: false });
      sendJson(response, code, body, headers);
    };

    const authorization = request.headers.authorization ?? '';
    if (authorization !== `Bearer ${fake.token}` && !options.acceptToken?.(authorization)) return answer(401, status(401, 'Unauthorized', 'Unauthorized'));
    const kind = byPath.get(url.pathname);
    const resource = kind ? RESOURCES[kind] : undefined;
    if (request.method !== 'GET' || !kind || !resource) return answer(404, status(404, 'NotFound', 'the server could not find the requested resource'));

    const drops = dropping.get(kind) ?? 0;
    if (drops > 0) {
      dropping.set(kind, drops - 1);
      requests.push({ path: url.pathname, query, status: 0, gzip: false });
      return void response.socket?.destroy();
    }
    const throttle = throttled.get(kind);
    if (throttle && throttle.times > 0) {
      throttle.times -= 1;
      return answer(429, status(429, 'TooManyRequests', 'Too many requests, please try again later.', { details: { retryAfterSeconds: throttle.retryAfterSeconds } }), {
        'retry-after': String(throttle.retryAfterSeconds),
      });
    }
    const failure = failing.get(kind);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return answer(failure.status, status(failure.status, 'InternalError', 'Internal error occurred: etcdserver: request timed out'));
    }
    if (forbidden.has(kind)) {
      const group = resource.group ? `"${resource.group}"` : '""';
      return answer(
        403,
        status(403, 'Forbidden', `${resource.plural}${resource.group ? `.${resource.group}` : ''} is forbidden: User "reachgraph" cannot list resource "${resource.plural}" in API group ${group} at the cluster scope`, {
          details: { kind: resource.plural, ...(resource.group ? { group: resource.group } : {}) },
        }),
      );
    }
    if (unserved.has(kind)) return answer(404, status(404, 'NotFound', 'the server could not find the requested resource'));

    const items = stored.get(kind) ?? [];
    let start = 0;
    if (query.continue !== undefined) {
      const key = decodeContinue(query.continue);
      if (!key) return answer(400, status(400, 'BadRequest', 'continue key is not valid: illegal base64 data'));
      const expiries = expiring.get(kind) ?? 0;
      if (expiries > 0) {
        expiring.set(kind, expiries - 1);
        return answer(410, status(410, 'Expired', EXPIRED_MESSAGE, { metadata: { continue: encodeContinue({ ...key, rv: 0 }) } }));
      }
      start = key.start;
    }
    const limit = Number(query.limit);
    const end = Number.isInteger(limit) && limit > 0 ? Math.min(items.length, start + limit) : items.length;
    const metadata: Record<string, unknown> = { resourceVersion: String(resourceVersion) };
    if (end < items.length) {
      metadata.continue = encodeContinue({ v: 'meta.k8s.io/v1', rv: resourceVersion, start: end });
      metadata.remainingItemCount = items.length - end;
    }
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    const text = `{"kind":"${kind}List","apiVersion":"${apiVersion}","metadata":${JSON.stringify(metadata)},"items":[${items.slice(start, end).join(',')}]}`;
    const gzip = useGzip && acceptsGzip && text.length >= GZIP_THRESHOLD;
    requests.push({ path: url.pathname, query, status: 200, gzip });
    response.writeHead(200, { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
    response.end(gzip ? gzipSync(text) : text);
  });

  const fake: FakeKubernetes = {
    url: server.url,
    port: server.port,
    token: options.token ?? randomBytes(24).toString('base64url'),
    requests,
    forbid: (kind) => void forbidden.add(kind),
    unserve: (kind) => void unserved.add(kind),
    throttle: (kind, times, retryAfterSeconds) => void throttled.set(kind, { times, retryAfterSeconds }),
    fail: (kind, code, times) => void failing.set(kind, { times, status: code }),
    expireContinue: (kind, times) => void expiring.set(kind, times),
    drop: (kind, times) => void dropping.set(kind, times),
    kubeconfig: (kubeconfigOptions = {}) => aksKubeconfig(kubeconfigOptions.server ?? server.url, { token: fake.token, ...kubeconfigOptions }),
    close: () => server.close(),
  };
  return fake;
}

const TENANT = 'c0ffee00-0000-4000-8000-00000000a11d';
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A kubeconfig as AKS returns it (listClusterUserCredentials / listClusterAdminCredentials). */
export function aksKubeconfig(server: string, options: FakeKubeconfigOptions & { token: string }): string {
  const name = options.clusterName ?? 'aks-prod';
  const userName = `clusterUser_rg-prod_${name}`;
  let user: Record<string, unknown>;
  if (options.user === 'entra') {
    user = {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        args: ['get-token', '--environment', 'AzurePublicCloud', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630',
          '--client-id', '80faf920-1908-4b52-b5ef-a8e7bedfc67a', '--tenant-id', TENANT, '--login', 'devicecode'],
        command: 'kubelogin',
        env: null,
        installHint: '\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n\nTo learn more, please go to https://aka.ms/aks/kubelogin\n',
        interactiveMode: 'IfAvailable',
        provideClusterInfo: false,
      },
    };
  } else if (options.user === 'azure-auth-provider') {
    user = {
      'auth-provider': {
        config: {
          'apiserver-id': '6dae42f8-4368-4678-94ff-3960e28e3630',
          'client-id': '80faf920-1908-4b52-b5ef-a8e7bedfc67a',
          'config-mode': '1',
          environment: 'AzurePublicCloud',
          'tenant-id': TENANT,
        },
        name: 'azure',
      },
    };
  } else {
    const { cert, key } = testCertificate();
    user = { 'client-certificate-data': b64(cert), 'client-key-data': b64(key), token: options.token };
  }
  return YAML.stringify({
    apiVersion: 'v1',
    clusters: [
      {
        cluster: { ...(options.withoutCertificateAuthority ? {} : { 'certificate-authority-data': b64(testCertificate().cert) }), server },
        name,
      },
    ],
    contexts: [{ context: { cluster: name, user: userName }, name }],
    'current-context': name,
    kind: 'Config',
    preferences: {},
    users: [{ name: userName, user }],
  });
}

/** The objects of a kubectl dump folder (`examples/contoso/kubernetes/aks-prod`), by kind; cluster.json is skipped. */
export function objectsFromSnapshotFolder(dir: string): KubeObjects {
  const objects: KubeObjects = {};
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json') || name === 'cluster.json') continue;
    const document = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as unknown;
    const list = document as { items?: unknown; kind?: unknown };
    const items = Array.isArray(document) ? document : Array.isArray(list.items) ? list.items : [document];
    const listKind = typeof list.kind === 'string' && list.kind !== 'List' && list.kind.endsWith('List') ? list.kind.slice(0, -4) : undefined;
    for (const item of items as KubeObject[]) {
      const kind = typeof item.kind === 'string' ? item.kind : listKind;
      if (!kind) throw new Error(`${name}: an item has no kind`);
      (objects[kind] ??= []).push(item);
    }
  }
  return objects;
}
