/**
 * `<snapshot>/kubernetes/<cluster>/*.json`: what `kubectl get <kind> -A -o json`
 * prints, one folder per AKS cluster.
 *
 * - `<cluster>` is the managed cluster's `name`; an optional
 *   `<cluster>/cluster.json` `{"resourceId": "<ARM id>"}` names the cluster
 *   exactly (the load stage matches folders to clusters, not this reader).
 * - Each file is a `List` (`{"apiVersion":"v1","kind":"List","items":[…]}`), a
 *   typed list (`PodList`, whose items may omit their own `kind`), a bare array
 *   of objects, or a single object.
 * - Objects of kinds reachgraph does not model are counted and left out: their
 *   content (a Secret, say) is never kept.
 * - A malformed file is reported with its path and the line and column of the
 *   JSON error; the other files still load. `status` may be missing.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { describeJsonError, listJsonFiles, type SnapshotProblem } from './read-azure.js';

/** The kinds the load stage turns into nodes and edges, as Kubernetes spells them. */
export const KubernetesKinds = [
  'Namespace',
  'Node',
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Service',
  'EndpointSlice',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'ServiceAccount',
] as const;
export type KubernetesKind = (typeof KubernetesKinds)[number];

/** Kinds that live outside namespaces (their `metadata.namespace` is ignored). */
export const ClusterScopedKinds: ReadonlySet<KubernetesKind> = new Set(['Namespace', 'Node', 'IngressClass']);

const kindByLowercase = new Map<string, KubernetesKind>(KubernetesKinds.map((kind) => [kind.toLowerCase(), kind]));

export interface KubernetesOwnerReference {
  kind: string;
  name: string;
  uid: string | null;
  controller: boolean;
}

/** One object, with metadata read out and the rest (`spec`, `status`, …) kept raw for the loaders. */
export interface KubernetesObject {
  kind: KubernetesKind;
  apiVersion: string | null;
  name: string;
  /** null for cluster-scoped kinds; `default` when a namespaced object names none. */
  namespace: string | null;
  uid: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ownerReferences: KubernetesOwnerReference[];
  spec: Record<string, unknown>;
  /** Empty when the dump has no status (a hand-made file, `kubectl get -o json` of a template…). */
  status: Record<string, unknown>;
  /** The whole object for the few kinds that keep data outside spec (IngressClass parameters, EndpointSlice endpoints). */
  raw: Record<string, unknown>;
  /** The file it came from, relative to the snapshot root. */
  file: string;
}

export interface KubernetesClusterDump {
  /** The folder name: the managed cluster's name. */
  name: string;
  /** From cluster.json, as written there; null without one. */
  resourceId: string | null;
  /** Folder, relative to the snapshot root. */
  folder: string;
  files: string[];
  /** One per (kind, namespace, name); a later file's copy replaces an earlier one. */
  objects: KubernetesObject[];
  duplicates: number;
  /** Kinds not modelled → how many objects of each were left out. */
  unknownKinds: Record<string, number>;
}

export interface KubernetesSnapshot {
  clusters: KubernetesClusterDump[];
  /** Every file read (including cluster.json), relative to the snapshot root. */
  files: string[];
  errors: SnapshotProblem[];
}

const ObjectSchema = z.looseObject({
  kind: z.string().min(1),
  apiVersion: z.string().optional(),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().nullish(),
    uid: z.string().nullish(),
    labels: z.record(z.string(), z.unknown()).nullish(),
    annotations: z.record(z.string(), z.unknown()).nullish(),
    ownerReferences: z.array(z.unknown()).nullish(),
  }),
  spec: z.record(z.string(), z.unknown()).nullish(),
  status: z.record(z.string(), z.unknown()).nullish(),
});

const ClusterFileSchema = z.looseObject({ resourceId: z.string().min(1) });

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const entries = Object.entries(value as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return Object.fromEntries(entries);
}

function ownerReferences(value: unknown): KubernetesOwnerReference[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const reference = item as Record<string, unknown> | null;
    if (!reference || typeof reference.kind !== 'string' || typeof reference.name !== 'string') return [];
    return [{ kind: reference.kind, name: reference.name, uid: typeof reference.uid === 'string' ? reference.uid : null, controller: reference.controller === true }];
  });
}

/** The objects of a document and the kind its items inherit (`PodList` → `Pod`), or why it is not a dump. */
function itemsOf(document: unknown): { items: unknown[]; listKind: string | null } | string {
  if (Array.isArray(document)) return { items: document, listKind: null };
  if (document && typeof document === 'object') {
    const { items, kind, metadata } = document as { items?: unknown; kind?: unknown; metadata?: unknown };
    if (Array.isArray(items)) {
      const listKind = typeof kind === 'string' && kind !== 'List' && kind.endsWith('List') ? kind.slice(0, -'List'.length) : null;
      return { items, listKind };
    }
    if (typeof kind === 'string' && metadata && typeof metadata === 'object') return { items: [document], listKind: null };
  }
  return 'expected `kubectl get … -o json` output: a List with an "items" array, a JSON array of objects, or one object';
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || 'object'}: ${issue.message}`).join('; ');
}

async function readJson(file: string, relative: string, errors: SnapshotProblem[]): Promise<unknown> {
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    errors.push({ path: relative, message: describeJsonError(text, error) });
    return undefined;
  }
}

/**
 * One item of a dump: a modelled object, a kind reachgraph leaves out, or why
 * it is not a Kubernetes object. `listKind` is the kind a typed list
 * (`PodList`) gives items that omit their own.
 */
export function readKubernetesObject(item: unknown, file: string, listKind: string | null = null): KubernetesObject | { unknownKind: string } | { error: string } {
  const withKind = item && typeof item === 'object' && !Array.isArray(item) && listKind && !(item as { kind?: unknown }).kind ? { ...item, kind: listKind } : item;
  const parsed = ObjectSchema.safeParse(withKind);
  if (!parsed.success) return { error: describeIssues(parsed.error.issues) };
  const kind = kindByLowercase.get(parsed.data.kind.toLowerCase());
  if (!kind) return { unknownKind: parsed.data.kind };
  const { metadata } = parsed.data;
  return {
    kind,
    apiVersion: parsed.data.apiVersion ?? null,
    name: metadata.name,
    namespace: ClusterScopedKinds.has(kind) ? null : metadata.namespace || 'default',
    uid: metadata.uid ?? null,
    labels: stringMap(metadata.labels),
    annotations: stringMap(metadata.annotations),
    ownerReferences: ownerReferences(metadata.ownerReferences),
    spec: parsed.data.spec ?? {},
    status: parsed.data.status ?? {},
    raw: parsed.data,
    file,
  };
}

async function readCluster(root: string, dir: string, errors: SnapshotProblem[]): Promise<KubernetesClusterDump> {
  const folder = path.relative(root, dir);
  const dump: KubernetesClusterDump = { name: path.basename(dir), resourceId: null, folder, files: [], objects: [], duplicates: 0, unknownKinds: {} };
  const byKey = new Map<string, KubernetesObject>();
  for (const file of await listJsonFiles(dir)) {
    const relative = path.relative(root, file);
    dump.files.push(relative);
    const document = await readJson(file, relative, errors);
    if (document === undefined) continue;

    if (path.dirname(file) === dir && path.basename(file).toLowerCase() === 'cluster.json') {
      const parsed = ClusterFileSchema.safeParse(document);
      if (parsed.success) dump.resourceId = parsed.data.resourceId.trim();
      else errors.push({ path: relative, message: `expected {"resourceId": "<managed cluster ARM id>"}: ${describeIssues(parsed.error.issues)}` });
      continue;
    }

    const found = itemsOf(document);
    if (typeof found === 'string') {
      errors.push({ path: relative, message: found });
      continue;
    }
    found.items.forEach((item, index) => {
      const read = readKubernetesObject(item, relative, found.listKind);
      if ('error' in read) {
        errors.push({ path: relative, message: `item ${index} is not a Kubernetes object: ${read.error}` });
      } else if ('unknownKind' in read) {
        dump.unknownKinds[read.unknownKind] = (dump.unknownKinds[read.unknownKind] ?? 0) + 1;
      } else {
        const key = `${read.kind}|${read.namespace ?? ''}|${read.name}`;
        if (byKey.has(key)) dump.duplicates += 1;
        byKey.set(key, read);
      }
    });
  }
  dump.objects = [...byKey.values()];
  return dump;
}

/** Reads every cluster folder under `<root>/kubernetes`; a snapshot without one has no clusters. */
export async function readKubernetesSnapshot(root: string): Promise<KubernetesSnapshot> {
  const base = path.join(root, 'kubernetes');
  const info = await stat(base).catch(() => undefined);
  if (!info?.isDirectory()) return { clusters: [], files: [], errors: [] };

  const errors: SnapshotProblem[] = [];
  const clusters: KubernetesClusterDump[] = [];
  const files: string[] = [];
  const entries = (await readdir(base, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(base, entry.name);
    const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isDirectory());
    if (isDirectory) {
      const cluster = await readCluster(root, full, errors);
      files.push(...cluster.files);
      clusters.push(cluster);
    } else if (entry.name.toLowerCase().endsWith('.json')) {
      errors.push({ path: path.relative(root, full), message: 'not in a cluster folder: put it under kubernetes/<cluster name>/' });
    }
  }
  return { clusters, files, errors };
}
