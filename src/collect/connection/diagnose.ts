/**
 * Turns what @azure/identity, the ARM SDKs and Node's network stack throw into
 * one sentence naming the cause and one naming the fix. The messages of the
 * services are not repeated wholesale: they can be long, and the secret's
 * value must never reach an error (it is not in them, and redaction scrubs
 * any that would be).
 */
import { redactSecrets } from './secrets.js';

export interface Diagnosis {
  /** A stable short code: the AADSTS number, the ARM error code, or the network error. */
  code: string;
  cause: string;
  fix: string;
}

const AADSTS: Record<string, (context: DiagnoseContext) => Omit<Diagnosis, 'code'>> = {
  '7000215': (context) => ({
    cause: 'the client secret is invalid (AADSTS7000215) — often the secret\'s ID was pasted instead of its Value',
    fix: `Entra admin center → App registrations → your app → Certificates & secrets: copy the secret's *Value* (shown once, at creation), or create a new one (\`az ad app credential reset --id ${context.clientId ?? '<client-id>'} --append\`)`,
  }),
  '7000222': (context) => ({
    cause: 'the client secret has expired (AADSTS7000222)',
    fix: `create a new secret (Entra admin center → App registrations → your app → Certificates & secrets → New client secret, or \`az ad app credential reset --id ${context.clientId ?? '<client-id>'} --append\`) and reconnect with it`,
  }),
  '700016': (context) => ({
    cause: `no application with client id ${context.clientId ?? '(unset)'} exists in tenant ${context.tenantId ?? '(unset)'} (AADSTS700016)`,
    fix: 'check AZURE_CLIENT_ID (the app registration\'s "Application (client) ID") and AZURE_TENANT_ID; the app must be registered in, or consented to by, this tenant',
  }),
  '90002': (context) => ({
    cause: `tenant ${context.tenantId ?? '(unset)'} was not found in this cloud (AADSTS90002)`,
    fix: 'check AZURE_TENANT_ID (the "Directory (tenant) ID") and --cloud: a China or US Government tenant needs --cloud AzureChinaCloud or AzureUSGovernment',
  }),
  '65001': (context) => ({
    cause: 'the application has not been granted consent (AADSTS65001)',
    fix: `grant admin consent: Entra admin center → App registrations → your app → API permissions → Grant admin consent, or \`az ad app permission admin-consent --id ${context.clientId ?? '<client-id>'}\``,
  }),
  '700027': () => ({
    cause: 'the client certificate was not accepted (AADSTS700027)',
    fix: 'upload the certificate\'s public part to the app registration (Certificates & secrets → Certificates) and point AZURE_CLIENT_CERTIFICATE_PATH at the PEM holding its private key',
  }),
};

export interface DiagnoseContext {
  tenantId?: string | undefined;
  clientId?: string | undefined;
  /** What was being done, e.g. "listing subscriptions". */
  action?: string;
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  cause?: unknown;
}

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const code = (current as ErrorLike).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|CERT_|ERR_TLS)/.test(code)) return code;
    current = (current as ErrorLike).cause;
  }
  return undefined;
}

/** The diagnosis of an error thrown while talking to Entra ID, ARM or Microsoft Graph. */
export function diagnose(error: unknown, context: DiagnoseContext = {}): Diagnosis {
  const err = (error ?? {}) as ErrorLike;
  const message = redactSecrets(String(err.message ?? error));
  const aadsts = /AADSTS(\d+)/.exec(message);
  if (aadsts?.[1]) {
    const known = AADSTS[aadsts[1]];
    if (known) return { code: `AADSTS${aadsts[1]}`, ...known(context) };
    const first = message.split(/\r?\n/).find((line) => line.includes(`AADSTS${aadsts[1]}`)) ?? message;
    return { code: `AADSTS${aadsts[1]}`, cause: `sign-in was refused: ${first.slice(0, 300)}`, fix: 'see https://login.microsoftonline.com/error?code=' + aadsts[1] };
  }
  // With a custom authority host MSAL first resolves the tenant's endpoints; an unknown tenant fails there, without its AADSTS code.
  if (message.includes('endpoints_resolution_error')) {
    return {
      code: 'endpoints_resolution_error',
      cause: `the login endpoint could not resolve tenant ${context.tenantId ?? '(unset)'}: an unknown tenant, a tenant of another cloud, or an unreachable authority host`,
      fix: 'check AZURE_TENANT_ID, --cloud and AZURE_AUTHORITY_HOST',
    };
  }
  const network = networkCode(error);
  if (network) {
    if (/CERT|SELF_SIGNED|UNABLE_TO|DEPTH_ZERO|ERR_TLS/.test(network)) {
      return { code: network, cause: `the endpoint's TLS certificate is not trusted (${network})`, fix: 'trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem> (certificate checks are never turned off)' };
    }
    return {
      code: network,
      cause: `the endpoint could not be reached (${network}${context.action ? ` while ${context.action}` : ''})`,
      fix: 'check the network path and proxy to the login, ARM and Graph endpoints, and --cloud / AZURE_AUTHORITY_HOST / --arm-endpoint / --graph-endpoint',
    };
  }
  if (isDenied(error)) {
    const action = /perform action '([^']+)'/.exec(message)?.[1];
    const scope = /over scope '([^']+)'/.exec(message)?.[1];
    return {
      code: err.code ?? 'Forbidden',
      cause: action ? `the app may not ${action}${scope ? ` on ${scope}` : ''} (${err.code ?? '403'})` : `access was refused (${err.code ?? '403'}${context.action ? ` while ${context.action}` : ''})`,
      fix: 'grant the roles listed by `reachgraph azure check` (Reader at the subscription or above); role assignments can take a few minutes to apply',
    };
  }
  if (err.code === 'InvalidAuthenticationToken' || err.code === 'ExpiredAuthenticationToken' || err.statusCode === 401) {
    return { code: err.code ?? 'Unauthorized', cause: `the service did not accept the token (${err.code ?? '401'})`, fix: 'check that --cloud and the endpoints belong to the same cloud as the tenant' };
  }
  if (err.name === 'CredentialUnavailableError') {
    return { code: 'CredentialUnavailable', cause: message.split(/\r?\n/)[0]?.slice(0, 300) ?? 'credential unavailable', fix: 'configure the chosen --auth method (see "Connect your Azure tenant" in the README)' };
  }
  const status = err.statusCode ? `HTTP ${err.statusCode}` : (err.code ?? err.name ?? 'Error');
  return { code: err.code ?? status, cause: `${context.action ? `${context.action} failed: ` : ''}${message.split(/\r?\n/)[0]?.slice(0, 300)}`, fix: 'retry later; if it persists, run `reachgraph azure check`' };
}

/** The service refused the credential (403 or one of the Azure codes for it): not permitted, as opposed to broken. */
export function isDenied(error: unknown): boolean {
  const err = (error ?? {}) as ErrorLike;
  return err.statusCode === 403 || err.code === 'AuthorizationFailed' || err.code === 'AccessDenied';
}

/** One line: cause, then fix. */
export const describeDiagnosis = (diagnosis: Diagnosis): string => `${diagnosis.cause}. Fix: ${diagnosis.fix}`;
