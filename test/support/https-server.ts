/**
 * HTTPS on 127.0.0.1 for the fakes of Azure, Microsoft Graph and Kubernetes.
 *
 * One certificate per test process, made at test time with openssl (subject
 * alternative names 127.0.0.1 and localhost, CA:TRUE so it is its own trust
 * anchor). Clients trust it the way a user would trust a private CA: through
 * Node's own default CA store (`trustTestCertificate`, the in-process
 * counterpart of NODE_EXTRA_CA_CERTS) or a client option such as a
 * kubeconfig's certificate-authority-data — never by turning checks off.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface TestCertificate {
  /** PEM certificate, also the CA to trust. */
  cert: string;
  key: string;
  /** A file holding `cert`, for NODE_EXTRA_CA_CERTS in child processes. */
  caFile: string;
}

let certificate: TestCertificate | undefined;

export function testCertificate(): TestCertificate {
  if (certificate) return certificate;
  // The test run's folder (see global-setup.ts), removed when the run ends; elsewhere (benchmarks) one of our own.
  const parent = process.env.REACHGRAPH_TEST_TLS_DIR ?? mkdtempSync(path.join(tmpdir(), 'reachgraph-tls-'));
  const folder = mkdtempSync(path.join(parent, `${process.pid}-`));
  const keyFile = path.join(folder, 'key.pem');
  const caFile = path.join(folder, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=reachgraph test', '-keyout', keyFile, '-out', caFile,
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'basicConstraints=critical,CA:TRUE'],
    { stdio: 'ignore' },
  );
  certificate = { cert: readFileSync(caFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), caFile };
  // Only the public certificate stays on disk, for NODE_EXTRA_CA_CERTS in child processes.
  rmSync(keyFile);
  if (!process.env.REACHGRAPH_TEST_TLS_DIR) process.once('exit', () => rmSync(parent, { recursive: true, force: true }));
  return certificate;
}

let trusted = false;

/** Adds the test certificate to this process's default CA store (Node ≥ 22.19), as NODE_EXTRA_CA_CERTS would. */
export function trustTestCertificate(): void {
  if (trusted) return;
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), testCertificate().cert]);
  trusted = true;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void | Promise<void>;

export interface RunningHttpsServer {
  /** `https://127.0.0.1:<port>` without a trailing slash. */
  url: string;
  port: number;
  /** Requests served, by `METHOD path` (path without the query). */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `handler` on a free port of 127.0.0.1; the body is read before the handler runs. A handler that throws answers 500. */
export async function startHttpsServer(handler: Handler): Promise<RunningHttpsServer> {
  const { cert, key } = testCertificate();
  const requests: string[] = [];
  const server = createServer({ cert, key }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push(`${request.method} ${(request.url ?? '/').split('?')[0]}`);
      Promise.resolve()
        .then(() => handler(request, response, Buffer.concat(chunks).toString('utf8')))
        .catch((error: unknown) => {
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { code: 'FakeServerError', message: String(error) } }));
        });
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}
