import { describe, expect, it } from 'vitest';
import { describeDiagnosis, diagnose } from '../../../src/collect/connection/diagnose.js';
import { registerSecret } from '../../../src/collect/connection/secrets.js';

const context = { tenantId: 'b3d8f1c2-6a4e-4c1d-9f2a-7e5b0c8d2a61', clientId: '0b7e9c2a-6d4f-4a1b-9c3e-5d6f7a8b9c05' };

describe('diagnose', () => {
  it.each([
    ['AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID', /secret's ID was pasted instead of its Value/, /Certificates & secrets.*az ad app credential reset --id 0b7e9c2a-6d4f-4a1b-9c3e-5d6f7a8b9c05 --append/],
    ['AADSTS7000222: The provided client secret keys for app are expired.', /expired/, /create a new secret/],
    ['AADSTS700016: Application with identifier was not found in the directory', /no application with client id 0b7e9c2a/, /AZURE_CLIENT_ID/],
    ['AADSTS90002: Tenant not found.', /tenant b3d8f1c2.* was not found in this cloud/, /--cloud AzureChinaCloud/],
  ])('tells %s apart', (message, cause, fix) => {
    const diagnosis = diagnose(Object.assign(new Error(`ClientSecretCredential authentication failed: ${message}`), { name: 'AuthenticationError' }), context);
    expect(diagnosis.cause).toMatch(cause);
    expect(diagnosis.fix).toMatch(fix);
  });

  it('names the action and scope of an ARM 403', () => {
    const error = Object.assign(new Error("The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action' over scope '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks' or the scope is invalid."), { statusCode: 403, code: 'AuthorizationFailed' });
    expect(describeDiagnosis(diagnose(error))).toMatch(/may not Microsoft\.ContainerService\/managedClusters\/listClusterUserCredential\/action on \/subscriptions\/s\/.*aks \(AuthorizationFailed\)\. Fix: grant/);
  });

  it('reports an unreachable endpoint and an untrusted certificate distinctly', () => {
    expect(diagnose(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), { action: 'signing in' }).cause).toBe('the endpoint could not be reached (ECONNREFUSED while signing in)');
    const tls = new Error('request failed', { cause: Object.assign(new Error('self-signed certificate'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }) });
    expect(diagnose(tls).fix).toMatch(/NODE_EXTRA_CA_CERTS/);
  });

  it('never repeats a registered secret', () => {
    registerSecret('canary-secret-value-123');
    expect(JSON.stringify(diagnose(new Error('weird failure canary-secret-value-123 echoed')))).not.toContain('canary-secret-value-123');
  });
});
