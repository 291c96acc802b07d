import { Readable } from 'node:stream';
import path from 'node:path';
import { ClientCertificateCredential, ClientSecretCredential, WorkloadIdentityCredential } from '@azure/identity';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveEndpoints } from '../../../src/collect/connection/clouds.js';
import { createCredential } from '../../../src/collect/connection/credential.js';
import { redactSecrets } from '../../../src/collect/connection/secrets.js';
import { scratchFolder } from '../../helpers/scratch.js';

const scratch = scratchFolder();
const endpoints = resolveEndpoints({}, {});
const ids = { AZURE_TENANT_ID: '00000000-0000-0000-0000-000000000001', AZURE_CLIENT_ID: '00000000-0000-0000-0000-000000000002' };
const stdin = process.stdin;
afterEach(() => Object.defineProperty(process, 'stdin', { value: stdin, configurable: true }));

describe('createCredential', () => {
  it('takes the secret from AZURE_CLIENT_SECRET, a file, or standard input, and remembers it for redaction', async () => {
    const fromEnv = await createCredential({}, endpoints, { ...ids, AZURE_CLIENT_SECRET: 'env-secret-value-1' });
    expect(fromEnv).toMatchObject({ method: 'secret', tenantId: ids.AZURE_TENANT_ID, clientId: ids.AZURE_CLIENT_ID });
    expect(fromEnv.credential).toBeInstanceOf(ClientSecretCredential);

    await scratch.put('client.secret', 'file-secret-value-2\n');
    await createCredential({ clientSecretFile: path.join(scratch.root, 'client.secret') }, endpoints, ids);
    Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from('stdin-secret-value-3\n')]), configurable: true });
    expect((await createCredential({ clientSecretFile: '-' }, endpoints, ids)).method).toBe('secret');
    expect(redactSecrets('env-secret-value-1 file-secret-value-2 stdin-secret-value-3')).toBe('*** *** ***');
  });

  it('picks a certificate or workload identity from what is configured', async () => {
    expect((await createCredential({}, endpoints, { ...ids, AZURE_CLIENT_CERTIFICATE_PATH: '/etc/reachgraph/app.pem' })).credential).toBeInstanceOf(ClientCertificateCredential);
    expect((await createCredential({}, endpoints, { ...ids, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' })).method).toBe('workload-identity');
    expect((await createCredential({ auth: 'workload-identity' }, endpoints, { ...ids, AZURE_FEDERATED_TOKEN_FILE: '/t' })).credential).toBeInstanceOf(WorkloadIdentityCredential);
  });

  it('says what is missing and how to give it', async () => {
    await expect(createCredential({}, endpoints, ids)).rejects.toThrow(/no credential configured: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET \(or --client-secret-file/);
    await expect(createCredential({}, endpoints, { AZURE_CLIENT_SECRET: 'some-secret-value' })).rejects.toThrow(/the tenant id is missing: set AZURE_TENANT_ID/);
    await expect(createCredential({ clientSecretEnv: 'CONTOSO_SECRET' }, endpoints, ids)).rejects.toThrow(/CONTOSO_SECRET, named as this connection's secret, is not set/);
    await expect(createCredential({ clientSecretFile: path.join(scratch.root, 'missing.secret') }, endpoints, ids)).rejects.toThrow(/cannot read the client secret from .*missing\.secret \(ENOENT\)/);
    await scratch.put('empty.secret', '');
    await expect(createCredential({ clientSecretFile: path.join(scratch.root, 'empty.secret') }, endpoints, ids)).rejects.toThrow(/is empty/);
    await expect(createCredential({ auth: 'workload-identity' }, endpoints, ids)).rejects.toThrow(/the federated token file is missing: set AZURE_FEDERATED_TOKEN_FILE/);
    await expect(createCredential({ auth: 'password' }, endpoints, ids)).rejects.toThrow(/unknown --auth "password": use one of secret, certificate, cli, managed-identity, workload-identity/);
  });
});
