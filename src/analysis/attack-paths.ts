/**
 * Attack paths: from an internet-exposed workload, through a managed identity
 * it can get tokens for (USES_IDENTITY), a role assignment of that identity
 * (HAS_ROLE) at some scope, and down the containment hierarchy (CONTAINS:
 * subscription → resource group → resource) to a crown jewel.
 *
 * What a role reaches under its scope:
 *
 * | privilege                              | reaches                                                        |
 * | -------------------------------------- | -------------------------------------------------------------- |
 * | owner, user-access-admin, contributor  | every crown jewel at or under the scope, and the subscription  |
 * |                                        | itself when the scope is a subscription (takeover)             |
 * | data (Key Vault …, Storage Blob Data …) | crown jewels of the role's own kinds only (`dataKinds`); a key |
 * |                                        | vault only when it uses RBAC (`enableRbacAuthorization` not     |
 * |                                        | false: access-policy vaults ignore data-plane roles)            |
 * | reader, other                          | nothing                                                        |
 *
 * Crown jewels: nodes of a CrownJewelKinds kind (key vaults, storage accounts,
 * SQL servers) and any node tagged `reachgraph:crown-jewel=true`. A workload
 * is never its own target.
 *
 * Pure analysis over a GraphBatch and the exposure report; no store involved.
 */
import type { GraphBatch, GraphNode, Properties } from '../model/graph.js';
import { attackPathId } from '../model/ids.js';
import { CROWN_JEWEL_TAG, CrownJewelKinds, type NodeKind, WorkloadKinds } from '../model/kinds.js';
import { ADMIN_PRIVILEGES, decodeRoleGrants, type Privilege, PRIVILEGE_RANK, type RoleGrant, strongestFirst } from '../model/roles.js';
import type { AssetResult, AttackPathRecord } from '../store/graph-store.js';
import type { ExposedAsset, ExposureReport, ExposureResult } from './exposure.js';
import {
  adminPortExposure,
  formatExposedPort,
  pathScore,
  severityOf,
  type TargetReason,
  workloadScore,
} from './severity.js';

/** One crown jewel an identity reaches, and how. */
export interface IdentityReach {
  identityId: string;
  scopeId: string;
  /** The strongest of the identity's assignments at this scope that reaches the target. */
  grant: RoleGrant;
  targetId: string;
  targetKind: NodeKind;
  reason: TargetReason;
  /** Scope, the containers below it, target: the scope alone when the target is the scope. */
  chain: string[];
}

/** The identity and authorization part of the graph, indexed once. */
export class IdentityGraph {
  readonly nodes: Map<string, GraphNode>;
  private readonly identitiesOf = new Map<string, string[]>();
  private readonly scopesOf = new Map<string, Array<{ scopeId: string; grants: RoleGrant[] }>>();
  private readonly childrenOf = new Map<string, string[]>();
  private readonly reachCache = new Map<string, IdentityReach[]>();
  private readonly candidateCache = new Map<string, Array<{ node: GraphNode; chain: string[] }>>();

  constructor(graph: GraphBatch) {
    this.nodes = new Map(graph.nodes.map((node) => [node.id, node]));
    const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    for (const edge of graph.edges) {
      if (edge.kind === 'USES_IDENTITY' && this.nodes.has(edge.target)) push(this.identitiesOf, edge.source, edge.target);
      else if (edge.kind === 'HAS_ROLE' && this.nodes.has(edge.target)) {
        const grants = decodeRoleGrants(edge.properties).sort(strongestFirst);
        if (grants.length > 0) push(this.scopesOf, edge.source, { scopeId: edge.target, grants });
      } else if (edge.kind === 'CONTAINS' && this.nodes.has(edge.target)) push(this.childrenOf, edge.source, edge.target);
    }
    for (const list of this.identitiesOf.values()) list.sort();
    for (const list of this.scopesOf.values()) list.sort((a, b) => a.scopeId.localeCompare(b.scopeId));
    for (const list of this.childrenOf.values()) list.sort();
  }

  /** Managed identities the workload uses, sorted by id. */
  identities(workloadId: string): string[] {
    return [...new Set(this.identitiesOf.get(workloadId) ?? [])];
  }

  /** Every role assignment of the identity, across its scopes. */
  grants(identityId: string): RoleGrant[] {
    return (this.scopesOf.get(identityId) ?? []).flatMap((scope) => scope.grants);
  }

  /** Crown jewels the identity reaches, one per (scope, target), sorted by scope then target. */
  reach(identityId: string): IdentityReach[] {
    let result = this.reachCache.get(identityId);
    if (!result) {
      result = (this.scopesOf.get(identityId) ?? []).flatMap(({ scopeId, grants }) => this.reachUnder(identityId, scopeId, grants));
      this.reachCache.set(identityId, result);
    }
    return result;
  }

  private reachUnder(identityId: string, scopeId: string, grants: RoleGrant[]): IdentityReach[] {
    const found: IdentityReach[] = [];
    for (const { node, chain } of this.candidatesUnder(scopeId)) {
      for (const grant of grants) {
        const reason = reaches(grant, node, node.id === scopeId);
        if (reason) {
          found.push({ identityId, scopeId, grant, targetId: node.id, targetKind: node.kind, reason, chain });
          break;
        }
      }
    }
    return found;
  }

  /**
   * Nodes at or under a scope that some role could make a target (crown
   * jewels, and the scope itself when it is a subscription), with the
   * containment chain from the scope; sorted by id. Computed once per scope:
   * many identities share a scope, and the walk covers every node below it.
   */
  private candidatesUnder(scopeId: string): Array<{ node: GraphNode; chain: string[] }> {
    let result = this.candidateCache.get(scopeId);
    if (result) return result;
    result = [];
    const visited = new Set<string>();
    const stack: string[][] = [[scopeId]];
    while (stack.length > 0) {
      const chain = stack.pop()!;
      const id = chain.at(-1)!;
      if (visited.has(id)) continue;
      visited.add(id);
      const node = this.nodes.get(id);
      if (node && (crownJewelReason(node) || (id === scopeId && node.kind === 'Subscription'))) result.push({ node, chain });
      for (const child of this.childrenOf.get(id) ?? []) stack.push([...chain, child]);
    }
    result.sort((a, b) => a.node.id.localeCompare(b.node.id));
    this.candidateCache.set(scopeId, result);
    return result;
  }
}

function tagged(node: GraphNode): boolean {
  const tags = node.properties.tags;
  return Array.isArray(tags) && tags.some((tag) => typeof tag === 'string' && tag.trim().toLowerCase() === CROWN_JEWEL_TAG);
}

/** Why the node is a crown jewel in itself, or null. */
export function crownJewelReason(node: GraphNode): Exclude<TargetReason, 'subscription-takeover'> | null {
  if (tagged(node)) return 'crown-jewel-tag';
  return CrownJewelKinds.includes(node.kind) ? 'crown-jewel-kind' : null;
}

/** The rule table above, for one role assignment and one node at or under its scope. */
export function reaches(grant: RoleGrant, node: GraphNode, isScope: boolean): TargetReason | null {
  if (ADMIN_PRIVILEGES.includes(grant.privilege)) {
    return crownJewelReason(node) ?? (isScope && node.kind === 'Subscription' ? 'subscription-takeover' : null);
  }
  if (grant.privilege === 'data' && grant.dataKinds.includes(node.kind)) {
    if (node.kind === 'KeyVault' && node.properties.enableRbacAuthorization === false) return null;
    return crownJewelReason(node) ?? 'crown-jewel-kind';
  }
  return null;
}

function strongest(privileges: Iterable<Privilege>): Privilege | 'none' {
  let best: Privilege | 'none' = 'none';
  for (const privilege of privileges) if (PRIVILEGE_RANK[privilege] > PRIVILEGE_RANK[best]) best = privilege;
  return best;
}

function nameOf(node: GraphNode | undefined, id: string): string {
  return typeof node?.properties.name === 'string' ? node.properties.name : id;
}

/** Attack paths from one exposed workload, sorted by target then hops. */
export function attackPathsFrom(asset: ExposedAsset, identityGraph: IdentityGraph): AttackPathRecord[] {
  const admin = adminPortExposure(asset);
  const entryPorts = asset.ports.map(formatExposedPort);
  const records: AttackPathRecord[] = [];
  for (const identityId of identityGraph.identities(asset.id)) {
    for (const reach of identityGraph.reach(identityId)) {
      const hops = [...asset.path, identityId, ...reach.chain];
      // A workload is not its own target, and a path never revisits a node.
      if (reach.targetId === asset.id || new Set(hops).size !== hops.length) continue;
      const score = pathScore({
        entryWidth: asset.width,
        adminPortsWidth: admin.width,
        privilege: reach.grant.privilege,
        targetKind: reach.targetKind,
        targetReason: reach.reason,
      });
      const properties: Properties = {
        length: hops.length - 1,
        entryWidth: asset.width,
        entryPorts,
        roleName: reach.grant.roleName,
        privilege: reach.grant.privilege,
        targetKind: reach.targetKind,
        severity: severityOf(score),
        score,
        targetReason: reach.reason,
        entryName: asset.name,
        targetName: nameOf(identityGraph.nodes.get(reach.targetId), reach.targetId),
        identityId,
        scopeId: reach.scopeId,
        roleAssignmentId: reach.grant.roleAssignmentId,
        roleDefinitionId: reach.grant.roleDefinitionId,
        entryAdminPorts: admin.ports,
      };
      records.push({ id: attackPathId(asset.id, reach.targetId, hops), entryId: asset.id, targetId: reach.targetId, hops, properties });
    }
  }
  return records;
}

export interface AnalysisOutput {
  /** Every workload (and every exposed asset), sorted by id, with its exposure and severity factors. */
  assets: AssetResult[];
  /** Sorted by score (highest first), then entry, target and id. */
  attackPaths: AttackPathRecord[];
}

/**
 * Exposure, severity factors and attack paths for every workload. The caller
 * adds the result version, the time and the previous-exposure bookkeeping.
 * Accepts the exposure report or the whole `computeExposure` result.
 */
export function analysisResultsFor(graph: GraphBatch, exposure: ExposureReport | ExposureResult): AnalysisOutput {
  const report = 'report' in exposure ? exposure.report : exposure;
  const identityGraph = new IdentityGraph(graph);
  const exposed = new Map(report.assets.map((asset) => [asset.id, asset]));
  const workloadIds = new Set([...graph.nodes.filter((node) => WorkloadKinds.includes(node.kind)).map((node) => node.id), ...exposed.keys()]);

  const attackPaths: AttackPathRecord[] = [];
  const assets: AssetResult[] = [...workloadIds].sort().map((id) => {
    const asset = exposed.get(id);
    const identities = identityGraph.identities(id);
    const privilege = strongest(identities.flatMap((identity) => identityGraph.grants(identity)).map((grant) => grant.privilege));
    const jewels = new Set(identities.flatMap((identity) => identityGraph.reach(identity)).map((reach) => reach.targetId).filter((target) => target !== id));
    const admin = asset ? adminPortExposure(asset) : { ports: [], width: null };
    const severityScore = workloadScore({
      exposureWidth: asset?.width ?? null,
      adminPortsWidth: admin.width,
      identityPrivilege: privilege,
      crownJewelsReachable: jewels.size,
    });
    if (asset) attackPaths.push(...attackPathsFrom(asset, identityGraph));
    return {
      id,
      properties: {
        exposed: asset !== undefined,
        exposureWidth: asset?.width ?? null,
        exposedPorts: asset ? asset.ports.map(formatExposedPort) : [],
        factorAdminPortsExposed: admin.ports,
        factorIdentityPrivilege: privilege,
        factorCrownJewelsReachable: jewels.size,
        severityScore,
        severity: severityOf(severityScore),
      },
    };
  });
  const score = (path: AttackPathRecord) => (typeof path.properties.score === 'number' ? path.properties.score : 0);
  attackPaths.sort(
    (a, b) => score(b) - score(a) || a.entryId.localeCompare(b.entryId) || a.targetId.localeCompare(b.targetId) || a.id.localeCompare(b.id),
  );
  return { assets, attackPaths };
}
