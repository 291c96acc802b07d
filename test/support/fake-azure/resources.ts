/**
 * `GET <resource id>` for any resource of the state, as its resource
 * provider answers it: the type as the id spells it (Resource Graph
 * lowercases it), none of Resource Graph's extra columns. What the state does
 * not hold is ARM's 404: `ResourceNotFound` for a type it knows,
 * `InvalidResourceType` for one it does not.
 */
import { type ArmRoute, armError, authorizationFailed, ok, resourceGroupMissing, resourceNotFound } from './arm-wire.js';
import { isAllowed } from './rbac.js';
import { findResource, lower } from './state.js';

/** `Microsoft.Network/virtualNetworks/subnets` from an id: the namespace, then every other segment of the type/name pairs. */
function typeFromId(id: string): string {
  const [namespace = '', ...pairs] = /\/providers\/(.+)$/i.exec(id)?.[1]?.split('/') ?? [];
  return [namespace, ...pairs.filter((_, index) => index % 2 === 0)].join('/');
}

/** Top-level fields a resource provider returns when the resource has them (Resource Graph's empty strings and nulls are not among them). */
const FIELDS = ['location', 'etag', 'tags', 'sku', 'kind', 'identity', 'zones', 'plan', 'managedBy', 'extendedLocation'];

export const resourceRoutes: ArmRoute[] = [
  {
    method: 'GET',
    pattern: /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/[^/]+(?:\/[^/]+\/[^/]+)*\/?$/i,
    handle(request, [resourceGroup = '']) {
      const id = request.path.replace(/\/+$/, '');
      const type = typeFromId(id);
      const action = `${type}/read`;
      if (!isAllowed(request.state, request.claims.oid, action, id)) return authorizationFailed(request, action, id);
      const missing = resourceGroupMissing(request);
      if (missing) return missing;
      const resource = findResource(request.state, id);
      if (!resource) {
        const known = request.state.resources.some((candidate) => lower(candidate.type) === lower(type));
        const [namespace = '', ...kind] = type.split('/');
        return known ? resourceNotFound(type, id.split('/').pop() ?? '', resourceGroup) : armError(404, 'InvalidResourceType', `The resource type '${kind.join('/')}' could not be found in the namespace '${namespace}' for api version '${request.query.get('api-version')}'.`);
      }
      const body: Record<string, unknown> = { id: resource.id, name: resource.name, type: typeFromId(String(resource.id)) };
      for (const field of FIELDS) if (resource[field]) body[field] = resource[field];
      return ok({ ...body, properties: resource.properties ?? {} });
    },
  },
];
