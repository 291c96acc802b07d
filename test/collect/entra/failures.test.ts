import { describe, expect, it } from 'vitest';
import { ENTRA_FAMILIES } from '../../../src/collect/entra/families.js';
import { describeFailure } from '../../../src/collect/entra/failures.js';
import { GraphResponseError, GraphTransportError, TokenAcquisitionError } from '../../../src/collect/entra/graph-client.js';

const users = ENTRA_FAMILIES[0] as (typeof ENTRA_FAMILIES)[number];
const endpoint = 'https://graph.microsoft.us';

describe('describeFailure', () => {
  it('points a missing path at the Graph endpoint', () => {
    expect(describeFailure(new GraphResponseError(404, 'Request_ResourceNotFound', 'Not found.', '/v1.0/users?$top=999'), users, endpoint)).toBe(
      'Microsoft Graph refused GET /v1.0/users (404 Request_ResourceNotFound: Not found.): this Graph host does not serve /users. ' +
        'Fix: check --graph-endpoint (https://graph.microsoft.us); sovereign clouds have their own Graph host.',
    );
  });

  it('says what to do about lasting throttling', () => {
    expect(describeFailure(new GraphResponseError(429, 'TooManyRequests', 'Too many requests.', '/v1.0/users'), users, endpoint)).toMatch(
      /kept throttling after every retry\. Fix: run the collection again later, or with a lower --concurrency\.$/,
    );
  });

  it('tells an untrusted certificate from an unreachable host', () => {
    expect(describeFailure(new GraphTransportError('could not reach https://graph.microsoft.us (SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain)', 'SELF_SIGNED_CERT_IN_CHAIN'), users, endpoint)).toBe(
      'could not reach https://graph.microsoft.us (SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain): the TLS certificate is not trusted. ' +
        'Fix: if a proxy inspects TLS, give its CA certificate in NODE_EXTRA_CA_CERTS.',
    );
    expect(describeFailure(new GraphTransportError('could not reach https://graph.microsoft.us (ENOTFOUND: getaddrinfo ENOTFOUND)', 'ENOTFOUND'), users, endpoint)).toBe(
      'could not reach https://graph.microsoft.us (ENOTFOUND: getaddrinfo ENOTFOUND). Fix: check the network, the proxy (HTTPS_PROXY) and --graph-endpoint (https://graph.microsoft.us).',
    );
  });

  it('sends a credential failure back to the credential', () => {
    expect(describeFailure(new TokenAcquisitionError('could not get an access token for https://graph.microsoft.us/.default: AADSTS700016: Application not found.'), users, endpoint)).toBe(
      'could not get an access token for https://graph.microsoft.us/.default: AADSTS700016: Application not found. ' +
        "Fix: check the credential's configuration: tenant, client id and its secret or certificate, or the managed identity.",
    );
  });
});
