/**
 * Why a family could not be collected, said so that the person reading it
 * knows the cause and what to do — never with a token or a secret in it.
 */
import type { EntraFamily } from './families.js';
import { ForeignLinkError, GraphResponseError, GraphTransportError, TokenAcquisitionError } from './graph-client.js';

/** Microsoft Graph's application id: the same in every cloud. */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/**
 * The fix for a missing Graph application permission: portal steps, then the
 * az commands (the permission's role id is looked up, as it differs between
 * clouds). Directory.Read.All, which the README recommends, covers every
 * family but conditional access.
 */
export function permissionFix(permission: string): string {
  const roleId = `$(az ad sp show --id ${GRAPH_APP_ID} --query "appRoles[?value=='${permission}'].id" -o tsv)`;
  const broader = permission === 'Policy.Read.All' ? '' : ' (or Directory.Read.All, which covers it)';
  return (
    `the app lacks the Microsoft Graph application permission ${permission}${broader} granted with admin consent. ` +
    `Fix: Entra admin center → App registrations → <your app> → API permissions → Add a permission → Microsoft Graph → ` +
    `Application permissions → ${permission}, then Grant admin consent; or ` +
    `\`az ad app permission add --id <appId> --api ${GRAPH_APP_ID} --api-permissions ${roleId}=Role\` ` +
    `then \`az ad app permission admin-consent --id <appId>\`. ` +
    `A managed identity gets it as an app role assignment to the Microsoft Graph service principal ` +
    `(POST /servicePrincipals/<identity's object id>/appRoleAssignments).`
  );
}

const withoutStop = (text: string): string => text.replace(/\.+$/, '');

function graphSaid(error: GraphResponseError): string {
  return `${error.status}${error.code ? ` ${error.code}` : ''}${error.graphMessage ? `: ${error.graphMessage}` : ''}`;
}

export function describeFailure(error: unknown, family: EntraFamily, graphEndpoint: string): string {
  if (error instanceof GraphResponseError) {
    const path = error.target.split('?')[0];
    if (error.status === 200) {
      return `Microsoft Graph answered GET ${path} with something else than a Graph list (${error.graphMessage}). Fix: check that --graph-endpoint (${graphEndpoint}) is Microsoft Graph.`;
    }
    const what = `Microsoft Graph refused GET ${path} (${graphSaid(error)})`;
    switch (error.status) {
      case 403:
        return `${what}: ${permissionFix(family.permission)}`;
      case 401:
        return (
          `${what}: the access token was rejected — expired, issued for another resource or tenant, or not an app token. ` +
          `Fix: check the tenant the credential signs in to (AZURE_TENANT_ID) and that it asks for ${graphEndpoint}/.default; ` +
          `for a sovereign cloud pass --cloud (or --graph-endpoint).`
        );
      case 404:
        return `${what}: this Graph host does not serve ${family.path}. Fix: check --graph-endpoint (${graphEndpoint}); sovereign clouds have their own Graph host.`;
      case 429:
        return `${what}: Microsoft Graph kept throttling after every retry. Fix: run the collection again later, or with a lower --concurrency.`;
      default:
        return error.status >= 500
          ? `${what}: a Microsoft Graph service error that persisted through retries. Fix: run the collection again later.`
          : `${what}.`;
    }
  }
  if (error instanceof TokenAcquisitionError) return `${withoutStop(error.message)}. Fix: check the credential's configuration: tenant, client id and its secret or certificate, or the managed identity.`;
  if (error instanceof GraphTransportError) {
    if (error.code && TLS_CODES.test(error.code)) {
      return `${error.message}: the TLS certificate is not trusted. Fix: if a proxy inspects TLS, give its CA certificate in NODE_EXTRA_CA_CERTS.`;
    }
    return `${withoutStop(error.message)}. Fix: check the network, the proxy (HTTPS_PROXY) and --graph-endpoint (${graphEndpoint}).`;
  }
  if (error instanceof ForeignLinkError) {
    return `${error.message}. Fix: if that host is Microsoft Graph behind a proxy you trust, pass it as --graph-endpoint.`;
  }
  if (error instanceof MissingParentError) return error.message;
  return `unexpected error: ${(error as Error)?.message ?? String(error)}`;
}

/** A per-item family whose parent family failed: it has nothing to go through. */
export class MissingParentError extends Error {
  override readonly name = 'MissingParentError';
  readonly parentDenied: boolean;
  constructor(family: EntraFamily, parent: { reason: string; denied: boolean }) {
    super(`not collected: it is read for each item of ${family.eachOf}, which failed — ${parent.reason}`);
    this.parentDenied = parent.denied;
  }
}

/** Graph refused the app's permission, for this family or the one it is read through. */
export function isPermissionRefusal(error: unknown): boolean {
  return (error instanceof GraphResponseError && error.status === 403) || (error instanceof MissingParentError && error.parentDenied);
}
