/**
 * Container image references (`spec.containers[].image`) and the running image
 * reported by the kubelet (`status.containerStatuses[].imageID`), normalised
 * the way Docker and containerd resolve them.
 */

export interface ImageReference {
  /** Lowercase; `docker.io` for Docker Hub however it is spelled. */
  registry: string;
  /** `library/nginx` for Docker Hub official images. */
  repository: string;
  /** The tag in effect: `latest` when the reference names neither tag nor digest; null when only a digest is named. */
  tag: string | null;
  /** `sha256:…`, lowercase, when the reference pins one. */
  digest: string | null;
}

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/**
 * Parses `nginx`, `nginx:1.25`, `bitnami/redis:7`, `myacr.azurecr.io/team/web@sha256:…`,
 * `repo:tag@sha256:…`, `localhost:5000/tool:1` and `[::1]:5000/tool`. The first
 * path component is a registry when it contains `.` or `:` or is `localhost`
 * (Docker's rule); otherwise the image is on Docker Hub.
 */
export function parseImageReference(reference: string): ImageReference {
  let rest = reference.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1).toLowerCase() || null;
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/') && colon > rest.lastIndexOf(']')) {
    tag = rest.slice(colon + 1) || null;
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['));
  let registry = hasRegistry ? first.toLowerCase() : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (DOCKER_HUB_ALIASES.has(registry)) registry = 'docker.io';
  repository = repository.toLowerCase();
  if (registry === 'docker.io' && repository !== '' && !repository.includes('/')) repository = `library/${repository}`;
  if (tag === null && digest === null) tag = 'latest';
  return { registry, repository, tag, digest };
}

export type ImageIdForm =
  /** `docker-pullable://repo@sha256:…` (dockershim) or `docker.io/library/nginx@sha256:…` (containerd): a registry digest. */
  | { kind: 'repository'; registry: string; repository: string; digest: string }
  /** `sha256:…` or `docker://sha256:…`: the local image (config) id, not a registry manifest digest. */
  | { kind: 'image-id'; digest: string }
  | { kind: 'unknown' };

/** Reads a kubelet imageID in the forms container runtimes report. */
export function parseImageId(imageId: string | null | undefined): ImageIdForm {
  const value = (imageId ?? '').trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  if (value === '') return { kind: 'unknown' };
  if (/^[a-z0-9]+:[0-9a-f]{32,}$/i.test(value)) return { kind: 'image-id', digest: value.toLowerCase() };
  if (/^[0-9a-f]{64}$/i.test(value)) return { kind: 'image-id', digest: `sha256:${value.toLowerCase()}` };
  if (!value.includes('@')) return { kind: 'unknown' };
  const parsed = parseImageReference(value);
  return parsed.digest && parsed.repository ? { kind: 'repository', registry: parsed.registry, repository: parsed.repository, digest: parsed.digest } : { kind: 'unknown' };
}
