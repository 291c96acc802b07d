/**
 * The credential a connection signs in with, through @azure/identity:
 * a client secret (AZURE_CLIENT_SECRET or --client-secret-file), a client
 * certificate (AZURE_CLIENT_CERTIFICATE_PATH), the Azure CLI's login, a
 * managed identity, or workload identity (AKS, no secret at all).
 */
import { readFile } from 'node:fs/promises';
import type { TokenCredential } from '@azure/core-auth';
import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import type { CloudEndpoints } from './clouds.js';
import { CredentialConfigError } from '../errors.js';
import { registerSecret } from './secrets.js';

export const AUTH_METHODS = ['secret', 'certificate', 'cli', 'managed-identity', 'workload-identity'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];


export interface CredentialOptions {
  /** Chosen from what is configured when absent: a secret, else a certificate, else workload identity. */
  auth?: string;
  tenantId?: string;
  clientId?: string;
  /** A file holding the client secret, or `-` for standard input. */
  clientSecretFile?: string;
  /** The environment variable holding the client secret (config files name it instead of holding the secret). */
  clientSecretEnv?: string;
  certificatePath?: string;
}

export interface ConnectionCredential {
  method: AuthMethod;
  tenantId: string | undefined;
  clientId: string | undefined;
  credential: TokenCredential;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function secretFrom(options: CredentialOptions, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (options.clientSecretFile) {
    const from = options.clientSecretFile === '-' ? 'standard input' : options.clientSecretFile;
    let text: string;
    try {
      text = options.clientSecretFile === '-' ? await readStdin() : await readFile(options.clientSecretFile, 'utf8');
    } catch (error) {
      throw new CredentialConfigError(`cannot read the client secret from ${from} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const secret = text.replace(/\r?\n$/, '');
    if (!secret) throw new CredentialConfigError(`the client secret file ${from} is empty`);
    return secret;
  }
  if (options.clientSecretEnv) {
    const secret = env[options.clientSecretEnv];
    if (!secret) throw new CredentialConfigError(`the environment variable ${options.clientSecretEnv}, named as this connection's secret, is not set`);
    return secret;
  }
  return env.AZURE_CLIENT_SECRET || undefined;
}

function pickMethod(options: CredentialOptions, hasSecret: boolean, env: NodeJS.ProcessEnv): AuthMethod {
  if (options.auth) {
    const method = AUTH_METHODS.find((name) => name === options.auth);
    if (!method) throw new CredentialConfigError(`unknown --auth "${options.auth}": use one of ${AUTH_METHODS.join(', ')}`);
    return method;
  }
  if (hasSecret) return 'secret';
  if (options.certificatePath ?? env.AZURE_CLIENT_CERTIFICATE_PATH) return 'certificate';
  if (env.AZURE_FEDERATED_TOKEN_FILE) return 'workload-identity';
  throw new CredentialConfigError(
    'no credential configured: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or --client-secret-file <path|->), ' +
      'or AZURE_CLIENT_CERTIFICATE_PATH, or pass --auth cli | managed-identity | workload-identity',
  );
}

function required(value: string | undefined, what: string, variable: string): string {
  if (!value?.trim()) throw new CredentialConfigError(`${what} is missing: set ${variable} or pass it in the connection's configuration`);
  return value.trim();
}

/** Builds the credential; the secret is read here, registered for redaction, and handed to @azure/identity only. */
export async function createCredential(options: CredentialOptions, endpoints: CloudEndpoints, env: NodeJS.ProcessEnv = process.env): Promise<ConnectionCredential> {
  const secret = await secretFrom(options, env);
  registerSecret(secret);
  const method = pickMethod(options, secret !== undefined, env);
  const tenantId = options.tenantId ?? env.AZURE_TENANT_ID;
  const clientId = options.clientId ?? env.AZURE_CLIENT_ID;
  // A custom authority host (sovereign, Azure Stack, tests) must not be checked against the public cloud's instance discovery.
  const common = { authorityHost: endpoints.authorityHost, disableInstanceDiscovery: endpoints.customAuthority };
  switch (method) {
    case 'secret': {
      if (secret === undefined) throw new CredentialConfigError('--auth secret needs a client secret: AZURE_CLIENT_SECRET or --client-secret-file <path|->');
      const credential = new ClientSecretCredential(required(tenantId, 'the tenant id', 'AZURE_TENANT_ID'), required(clientId, 'the client id', 'AZURE_CLIENT_ID'), secret, common);
      return { method, tenantId, clientId, credential };
    }
    case 'certificate': {
      const certificatePath = required(options.certificatePath ?? env.AZURE_CLIENT_CERTIFICATE_PATH, 'the client certificate', 'AZURE_CLIENT_CERTIFICATE_PATH');
      const credential = new ClientCertificateCredential(required(tenantId, 'the tenant id', 'AZURE_TENANT_ID'), required(clientId, 'the client id', 'AZURE_CLIENT_ID'), { certificatePath }, common);
      return { method, tenantId, clientId, credential };
    }
    case 'cli':
      return { method, tenantId, clientId, credential: new AzureCliCredential(tenantId ? { tenantId } : {}) };
    case 'managed-identity':
      return { method, tenantId, clientId, credential: clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential() };
    case 'workload-identity': {
      const tokenFilePath = required(env.AZURE_FEDERATED_TOKEN_FILE, 'the federated token file', 'AZURE_FEDERATED_TOKEN_FILE (AKS workload identity sets it in the pod)');
      return { method, tenantId, clientId, credential: new WorkloadIdentityCredential({ ...common, tokenFilePath, ...(tenantId ? { tenantId } : {}), ...(clientId ? { clientId } : {}) }) };
    }
  }
}
