import { ClientCertificateCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCertificate } from '../https-server.js';
import { DEFAULT_CLIENT_SECRET, type RunningFakeAzure, startFakeAzure, stateFromSnapshot } from './index.js';
import { failureOf, raw, secretCredential } from './sdk-harness.js';

const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('fake Entra ID login', () => {
  let azure: RunningFakeAzure;
  beforeAll(async () => {
    azure = await startFakeAzure(await stateFromSnapshot('examples/contoso'));
  });
  afterAll(() => azure.close());

  it('issues tokens to ClientSecretCredential through the OpenID configuration and the v2.0 token endpoint', async () => {
    const before = azure.tokensIssued;
    const token = await secretCredential(azure).getToken(`${azure.armUrl}/.default`);
    const claims = claimsOf(token.token);
    expect(claims).toMatchObject({ aud: azure.armUrl, tid: azure.state.tenant.id, oid: azure.state.app.objectId, appid: azure.state.app.clientId, appidacr: '1', ver: '1.0' });
    expect(claims.roles).toBeUndefined();
    expect(Number(claims.exp) - Number(claims.iat)).toBe(azure.state.tokenLifetimeSeconds);
    expect(azure.tokensIssued).toBe(before + 1);
    expect(azure.requests).toEqual(expect.arrayContaining([`GET /${azure.state.tenant.id}/v2.0/.well-known/openid-configuration`, `POST /${azure.state.tenant.id}/oauth2/v2.0/token`]));
  });

  it('puts the Graph application permissions in Graph tokens only', async () => {
    const token = await secretCredential(azure).getToken('https://graph.microsoft.com/.default');
    expect(claimsOf(token.token)).toMatchObject({ aud: 'https://graph.microsoft.com', roles: azure.state.app.graphRoles });
  });

  it('accepts a certificate registered on the app, and refuses one that is not (AADSTS700027)', async () => {
    const { cert, key } = testCertificate();
    const credential = new ClientCertificateCredential(azure.state.tenant.id, azure.state.app.clientId, { certificate: `${key}\n${cert}` }, { authorityHost: azure.loginUrl, disableInstanceDiscovery: true });
    await expect(credential.getToken(`${azure.armUrl}/.default`)).rejects.toThrow(/AADSTS700027: The certificate with identifier used to sign the client assertion is not registered/);
    azure.state.app.certificates.push(cert);
    try {
      const token = await credential.getToken(`${azure.armUrl}/.default`);
      expect(claimsOf(token.token)).toMatchObject({ appidacr: '2', oid: azure.state.app.objectId });
    } finally {
      azure.state.app.certificates.pop();
    }
  });

  it.each([
    { name: 'a wrong secret', secret: 'not-the-secret-value-at-all', code: 7000215, status: 401, error: 'invalid_client' },
    { name: 'an expired secret', secret: 'expired-secret-value-0123456', code: 7000222, status: 401, error: 'invalid_client' },
    { name: 'an unknown app', secret: DEFAULT_CLIENT_SECRET, clientId: '0f0f0f0f-0000-4000-8000-000000000001', code: 700016, status: 400, error: 'unauthorized_client' },
  ])('surfaces $name as AADSTS$code through @azure/identity', async ({ secret, clientId, code, status, error }) => {
    azure.state.app.secrets.push({ value: 'expired-secret-value-0123456', expired: true });
    try {
      const failure = await secretCredential(azure, secret, clientId).getToken(`${azure.armUrl}/.default`).then(
        () => undefined,
        (thrown: unknown) => thrown as Error & { cause?: { status?: number; errorCode?: string } },
      );
      expect(failure?.name).toBe('AuthenticationRequiredError');
      expect(failure?.message).toMatch(new RegExp(`^${error}: Error\\(s\\): ${code} - Timestamp: .* - Description: AADSTS${code}: `));
      expect(failure?.cause).toMatchObject({ status, errorCode: error });
      expect(failure?.message).not.toContain(secret);
    } finally {
      azure.state.app.secrets.pop();
    }
  });

  it('refuses an unknown tenant at discovery already, which @azure/identity reports without the AADSTS code', async () => {
    const unknown = '0f0f0f0f-0000-4000-8000-000000000002';
    const failure = await failureOf(secretCredential(azure, DEFAULT_CLIENT_SECRET, azure.state.app.clientId, unknown).getToken(`${azure.armUrl}/.default`));
    expect(failure).toMatchObject({ name: 'CredentialUnavailableError', message: expect.stringMatching(/^endpoints_resolution_error/) });
    const discovery = await raw(`${azure.loginUrl}/${unknown}/v2.0/.well-known/openid-configuration`);
    expect(discovery.status).toBe(400);
    expect(discovery.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002], error_description: expect.stringMatching(/^AADSTS90002: Tenant '0f0f0f0f-0000-4000-8000-000000000002' not found\./) });
    const token = await raw(`${azure.loginUrl}/${unknown}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'client-request-id': 'b4e4f9d0-0000-4000-8000-00000000c0de' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: azure.state.app.clientId, client_secret: DEFAULT_CLIENT_SECRET, scope: `${azure.armUrl}/.default` }).toString(),
    });
    expect(token.status).toBe(400);
    expect(token.json()).toMatchObject({ error: 'invalid_request', error_codes: [90002], correlation_id: 'b4e4f9d0-0000-4000-8000-00000000c0de', trace_id: expect.any(String), timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/) });
  });

  it('never puts the secret in an answer, whatever the error', async () => {
    const form = (fields: Record<string, string>): string => new URLSearchParams({ grant_type: 'client_credentials', client_id: azure.state.app.clientId, scope: `${azure.armUrl}/.default`, ...fields }).toString();
    const tokenUrl = `${azure.loginUrl}/${azure.state.tenant.id}/oauth2/v2.0/token`;
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const answers = await Promise.all([
      raw(tokenUrl, { method: 'POST', headers, body: form({ client_secret: DEFAULT_CLIENT_SECRET }) }),
      raw(tokenUrl, { method: 'POST', headers, body: form({ client_secret: `${DEFAULT_CLIENT_SECRET}x` }) }),
      raw(tokenUrl, { method: 'POST', headers, body: form({ client_secret: DEFAULT_CLIENT_SECRET, scope: 'https://unknown.example/.default' }) }),
      raw(tokenUrl, { method: 'POST', headers, body: form({ client_secret: DEFAULT_CLIENT_SECRET, scope: azure.armUrl }) }),
      raw(tokenUrl, { method: 'POST', headers, body: form({ client_secret: DEFAULT_CLIENT_SECRET, grant_type: 'password' }) }),
    ]);
    expect(answers.map((answer) => [answer.status, answer.json().error_codes ?? 'ok'])).toEqual([
      [200, 'ok'],
      [401, [7000215]],
      [400, [500011]],
      [400, [1002012]],
      [400, [70003]],
    ]);
    for (const answer of answers) expect(answer.text).not.toContain(DEFAULT_CLIENT_SECRET);
  });
});
