/**
 * Artifact integrity: where the images of each workload come from and whether
 * what runs is what the spec asked for.
 *
 * Rules, per workload and container:
 *   untrusted-registry  the image's registry is not a trusted one                      medium
 *   unknown-registry    no registry can be resolved (e.g. the spec names only an image id) medium
 *   mutable-tag         referenced by tag only, no digest pin in the spec                low; `:latest` or no tag medium
 *   digest-mismatch     a pod runs another digest than the one its spec pins            high
 * An internet-exposed workload raises each severity one step (low → medium → high → critical).
 *
 * Trusted registries: `--trusted-registry <host>` (repeatable), else the
 * REACHGRAPH_TRUSTED_REGISTRIES environment variable (comma-separated), else the
 * Azure Container Registries in the snapshot plus mcr.microsoft.com. A host
 * `*.example.com` trusts every subdomain of example.com. Configured registries
 * replace the defaults.
 */
import type { ExposureReport } from '../analysis/exposure.js';
import type { Severity } from '../analysis/severity.js';
import type { GraphBatch } from '../model/graph.js';
import type { ContainerRecord } from '../model/kubernetes.js';
import { isImageIdOnly, isUnknownRegistry, normalizeRegistry } from './image-ref.js';
import { exposureIndex, type Inventory, readInventory, type WorkloadInfo } from './inventory.js';
import { registryDigest, specReference } from './running-images.js';

export const INTEGRITY_RULES = ['digest-mismatch', 'untrusted-registry', 'unknown-registry', 'mutable-tag'] as const;
export type IntegrityRule = (typeof INTEGRITY_RULES)[number];

export const TRUSTED_REGISTRIES_ENV = 'REACHGRAPH_TRUSTED_REGISTRIES';
/** Microsoft's container registry: AKS system images come from it. Trusted by default. */
export const MICROSOFT_CONTAINER_REGISTRY = 'mcr.microsoft.com';

export interface IntegrityFinding {
  rule: IntegrityRule;
  severity: Exclude<Severity, 'none'>;
  workloadId: string;
  workloadKind: string;
  workloadName: string;
  clusterId: string;
  namespace: string;
  container: string;
  /** The spec's image reference, normalised. */
  image: string;
  /** The registry the rule judged; '' when none is resolvable. */
  registry: string;
  message: string;
  exposed: boolean;
  /** digest-mismatch: the digest the spec pins and the digests pods run instead, with the pods. */
  specDigest?: string;
  runningDigests?: string[];
  pods?: string[];
}

type FindingDetail = Pick<IntegrityFinding, 'rule' | 'severity' | 'registry' | 'message'> & Partial<Pick<IntegrityFinding, 'specDigest' | 'runningDigests' | 'pods'>>;

export type TrustedRegistriesSource = 'option' | 'env' | 'snapshot';

export interface TrustedRegistries {
  registries: string[];
  source: TrustedRegistriesSource;
}

export interface IntegrityReport {
  trustedRegistries: string[];
  /** Where the trusted registries came from: `--trusted-registry`, REACHGRAPH_TRUSTED_REGISTRIES, or the snapshot's ACRs + mcr. */
  trustedRegistriesSource: TrustedRegistriesSource;
  /** ACRs whose login server the snapshot did not carry, so `<name>.azurecr.io` was assumed. */
  derivedLoginServers: string[];
  findings: IntegrityFinding[];
  summary: {
    findings: number;
    byRule: Record<IntegrityRule, number>;
    bySeverity: Record<Exclude<Severity, 'none'>, number>;
  };
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'] as const;

function raise(severity: Exclude<Severity, 'none'>, exposed: boolean): Exclude<Severity, 'none'> {
  if (!exposed) return severity;
  return SEVERITY_ORDER[Math.max(0, SEVERITY_ORDER.indexOf(severity) - 1)]!;
}

/** Splits comma-separated lists, trims, normalises hosts, drops empties and duplicates. */
export function parseRegistryList(values: ReadonlyArray<string | undefined>): string[] {
  const hosts = values
    .flatMap((value) => (value ?? '').split(','))
    .map((host) => normalizeRegistry(host))
    .filter((host) => host !== '');
  return [...new Set(hosts)].sort();
}

/** `--trusted-registry` wins, then the environment, then the snapshot's ACR login servers plus mcr.microsoft.com. */
export function resolveTrustedRegistries(inventory: Inventory, configured: { option?: readonly string[]; env?: string | undefined } = {}): TrustedRegistries {
  const fromOption = parseRegistryList(configured.option ?? []);
  if (fromOption.length > 0) return { registries: fromOption, source: 'option' };
  const fromEnv = parseRegistryList([configured.env]);
  if (fromEnv.length > 0) return { registries: fromEnv, source: 'env' };
  return { registries: parseRegistryList([...inventory.registries.map((registry) => registry.loginServer), MICROSOFT_CONTAINER_REGISTRY]), source: 'snapshot' };
}

export function isTrusted(registry: string, trusted: readonly string[]): boolean {
  const host = normalizeRegistry(registry);
  return trusted.some((entry) => (entry.startsWith('*.') ? host.endsWith(entry.slice(1)) && host.length > entry.length - 1 : host === entry));
}

/** The tag a reference spells out, or null when it names none (the loader then records `latest`, the tag in effect). */
export function explicitTag(image: string): string | null {
  const name = image.trim().split('@')[0] ?? '';
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') && colon > name.lastIndexOf(']') ? name.slice(colon + 1) || null : null;
}

function tagMessage(container: ContainerRecord): { severity: Exclude<Severity, 'none'>; message: string } {
  const tag = explicitTag(container.image);
  if (tag === null) {
    return { severity: 'medium', message: `${container.image} names no tag and no digest: it runs whatever :latest points to when a node pulls it. Pin it by digest (@sha256:…).` };
  }
  if (tag === 'latest') {
    return { severity: 'medium', message: `${container.image} uses the :latest tag without a digest: any push replaces what runs. Pin it by digest (@sha256:…).` };
  }
  return { severity: 'low', message: `${container.image} is referenced by tag :${tag} only; a tag can be moved to other content. Pin it by digest (@sha256:…).` };
}

/** The containers a workload's spec declares: its pod template, else what its pods declare (first pod per container name). */
function specContainers(workload: WorkloadInfo): ContainerRecord[] {
  if (workload.containers.length > 0) return workload.containers;
  const byName = new Map<string, ContainerRecord>();
  for (const pod of workload.pods) for (const container of pod.containers) if (!byName.has(container.name)) byName.set(container.name, container);
  return [...byName.values()];
}

export function integrityFindings(inventory: Inventory, report: ExposureReport, trusted: readonly string[]): IntegrityFinding[] {
  const exposed = exposureIndex(report);
  const findings: IntegrityFinding[] = [];
  for (const workload of inventory.workloads.values()) {
    // A Deployment's ReplicaSets (a CronJob's Jobs) repeat its template or keep rollout history: judged through the owner.
    if (workload.ownedBy !== null && workload.pods.length === 0) continue;
    const isExposed = exposed.has(workload.id);
    const base = (container: ContainerRecord) => ({
      workloadId: workload.id,
      workloadKind: workload.workloadKind,
      workloadName: workload.name,
      clusterId: workload.cluster.id,
      namespace: workload.namespace,
      container: container.name,
      image: specReference(container),
      exposed: isExposed,
    });
    const add = (detail: FindingDetail, container: ContainerRecord) =>
      findings.push({ ...base(container), ...detail, severity: raise(detail.severity, isExposed) });

    for (const container of specContainers(workload)) {
      const exposedNote = isExposed ? ' The workload is reachable from the internet.' : '';
      if (isUnknownRegistry(container.registry) || isImageIdOnly(container.image)) {
        add(
          {
            rule: 'unknown-registry',
            severity: 'medium',
            registry: '',
            message: `${container.image || '(no image)'} names no registry reachgraph can resolve${isImageIdOnly(container.image) ? ' (only an image id)' : ''}: its origin cannot be checked.${exposedNote}`,
          },
          container,
        );
      } else if (!isTrusted(container.registry, trusted)) {
        add(
          {
            rule: 'untrusted-registry',
            severity: 'medium',
            registry: normalizeRegistry(container.registry),
            message: `${container.image} comes from ${normalizeRegistry(container.registry)}, which is not a trusted registry.${exposedNote}`,
          },
          container,
        );
      }
      if (!container.specDigest && !isImageIdOnly(container.image)) {
        const { severity, message } = tagMessage(container);
        add({ rule: 'mutable-tag', severity, registry: normalizeRegistry(container.registry), message: `${message}${exposedNote}` }, container);
      }
    }

    // What runs against what each pod's own spec pins, per container.
    const mismatches = new Map<string, { container: ContainerRecord; digests: Set<string>; pods: Set<string> }>();
    for (const pod of workload.pods) {
      for (const container of pod.containers) {
        // A local image id is not a manifest digest and never equals one: it proves no mismatch.
        const running = registryDigest(container);
        if (!container.specDigest || !running || container.specDigest === running) continue;
        const key = `${container.name}\u0000${container.specDigest}`;
        const entry = mismatches.get(key) ?? { container, digests: new Set(), pods: new Set() };
        mismatches.set(key, entry);
        entry.digests.add(running);
        entry.pods.add(pod.name);
      }
    }
    for (const { container, digests, pods } of mismatches.values()) {
      const running = [...digests].sort();
      add(
        {
          rule: 'digest-mismatch',
          severity: 'high',
          registry: normalizeRegistry(container.registry),
          message:
            `${container.name} pins ${container.specDigest} but ${pods.size} pod(s) run ${running.join(', ')}: ` +
            `what runs is not what was deployed (a rewritten or mirrored image, or a tampered node).${isExposed ? ' The workload is reachable from the internet.' : ''}`,
          specDigest: container.specDigest!,
          runningDigests: running,
          pods: [...pods].sort(),
        },
        container,
      );
    }
  }
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
      INTEGRITY_RULES.indexOf(a.rule) - INTEGRITY_RULES.indexOf(b.rule) ||
      a.workloadId.localeCompare(b.workloadId) ||
      a.container.localeCompare(b.container) ||
      (a.specDigest ?? '').localeCompare(b.specDigest ?? ''),
  );
}

export interface IntegrityOptions {
  /** `--trusted-registry` values (each may be comma-separated). */
  trustedRegistries?: readonly string[];
  /** The REACHGRAPH_TRUSTED_REGISTRIES value. */
  env?: string | undefined;
}

export function checkIntegrity(graph: GraphBatch, report: ExposureReport, options: IntegrityOptions = {}): IntegrityReport {
  const inventory = readInventory(graph);
  const trusted = resolveTrustedRegistries(inventory, { option: options.trustedRegistries ?? [], env: options.env });
  const findings = integrityFindings(inventory, report, trusted.registries);
  const byRule = Object.fromEntries(INTEGRITY_RULES.map((rule) => [rule, 0])) as Record<IntegrityRule, number>;
  const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((severity) => [severity, 0])) as Record<Exclude<Severity, 'none'>, number>;
  for (const finding of findings) {
    byRule[finding.rule] += 1;
    bySeverity[finding.severity] += 1;
  }
  return {
    trustedRegistries: trusted.registries,
    trustedRegistriesSource: trusted.source,
    derivedLoginServers: trusted.source === 'snapshot' ? inventory.registries.filter((registry) => registry.loginServerDerived).map((registry) => registry.loginServer) : [],
    findings,
    summary: { findings: findings.length, byRule, bySeverity },
  };
}
