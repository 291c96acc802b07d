/**
 * Image references as the Kubernetes loader normalises them (model/kubernetes.ts
 * ContainerRecord): registries, repositories, digests, and the `pkg:oci` package
 * URL built from them.
 */

/** `sha256:<64 hex>` (or another `<algorithm>:<hex>`), lowercased; a bare 64-hex string is taken as sha256; anything else null. */
export function normalizeDigest(value: string | null | undefined): string | null {
  if (!value) return null;
  const text = value.trim().toLowerCase();
  if (/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/.test(text)) return text;
  if (/^[a-f0-9]{64}$/.test(text)) return `sha256:${text}`;
  return null;
}

/** The digest's algorithm and hex parts: `sha256:abc…` → ['sha256', 'abc…']. */
export function splitDigest(digest: string): [algorithm: string, hex: string] {
  const colon = digest.indexOf(':');
  return [digest.slice(0, colon), digest.slice(colon + 1)];
}

/** Registries that name Docker Hub; compared as `docker.io`. */
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** A registry host as compared for trust: lowercased, no scheme, no trailing slash, Docker Hub aliases folded. */
export function normalizeRegistry(value: string | null | undefined): string {
  const host = (value ?? '')
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/\/+$/, '');
  return DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
}

/** True when no registry could be resolved: empty, or a placeholder the loader may write. */
export function isUnknownRegistry(registry: string | null | undefined): boolean {
  const host = normalizeRegistry(registry);
  return host === '' || host === 'unknown' || host === 'sha256';
}

/** A spec `image` that is only an image id (`sha256:…` or bare hex): it names no registry at all. */
export function isImageIdOnly(image: string | null | undefined): boolean {
  const text = (image ?? '').trim().toLowerCase();
  return /^sha256:[a-f0-9]+$/.test(text) || /^[a-f0-9]{64}$/.test(text);
}

export interface ImageName {
  registry: string;
  repository: string;
}

/**
 * Splits a normalised `<registry>/<repository>@<digest>` (ContainerRecord.runningImage)
 * into registry and repository. The loader writes the registry first; a reference
 * without a slash (or only an image id) yields an empty registry.
 */
export function parseRunningImage(runningImage: string | null | undefined): ImageName | null {
  if (!runningImage) return null;
  const name = runningImage.trim().split('@')[0] ?? '';
  if (name === '' || isImageIdOnly(runningImage) || /^sha256:/i.test(name)) return null;
  const slash = name.indexOf('/');
  if (slash < 0) return { registry: '', repository: name.toLowerCase() };
  return { registry: name.slice(0, slash).toLowerCase(), repository: name.slice(slash + 1).toLowerCase() };
}

/** `registry/repository`, or just the repository when the registry is unknown. */
export function imageName(registry: string, repository: string): string {
  return isUnknownRegistry(registry) ? repository : `${registry}/${repository}`;
}

/** Percent-encodes a purl qualifier value, keeping '/' and ':' readable as the purl-spec examples do. */
function encodeQualifierValue(value: string): string {
  return encodeURIComponent(value).replace(/%2F/gi, '/').replace(/%3A/gi, ':');
}

/**
 * The package URL of an OCI image by digest, per the purl-spec `oci` type:
 * `pkg:oci/<name>@<algorithm>%3A<hex>?repository_url=<registry>/<repository>&tag=<tag>`.
 * `name` is the last segment of the repository, lowercased; there is no purl
 * namespace (the registry and repository path travel in `repository_url`);
 * qualifiers are sorted by key and left out when unknown.
 */
export function ociPurl(options: { registry: string; repository: string; digest: string; tag?: string | null }): string {
  const repository = options.repository.toLowerCase();
  const name = repository.split('/').pop() || repository;
  const qualifiers: Array<[string, string]> = [];
  if (repository !== '' && !isUnknownRegistry(options.registry)) qualifiers.push(['repository_url', `${options.registry.toLowerCase()}/${repository}`]);
  if (options.tag) qualifiers.push(['tag', options.tag]);
  qualifiers.sort(([a], [b]) => a.localeCompare(b));
  const query = qualifiers.map(([key, value]) => `${key}=${encodeQualifierValue(value)}`).join('&');
  return `pkg:oci/${encodeURIComponent(name || 'unknown')}@${encodeURIComponent(options.digest.toLowerCase())}${query ? `?${query}` : ''}`;
}
