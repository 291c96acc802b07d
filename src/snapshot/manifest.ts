import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * `<snapshot>/manifest.json`: which resource families were collected
 * completely in which scope. Only a complete family is cleaned of what the
 * snapshot no longer holds; without a manifest nothing is removed.
 */
export const ManifestSchema = z.object({
  version: z.literal(1),
  collectedAt: z.string().optional(),
  /** Written by `reachgraph collect azure`; hand-made manifests may leave these out. */
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  tenantId: z.string().optional(),
  cloud: z.string().optional(),
  tool: z.object({ name: z.string(), version: z.string() }).optional(),
  requests: z.number().optional(),
  scopes: z.array(
    z.object({
      /** `/subscriptions/<id>`, the bare subscription id, an AKS cluster's ARM id, or `tenant`. */
      scope: z.string().min(1),
      /** Family keys collected completely; `*` for all of them. */
      complete: z.array(z.string()).default([]),
      failed: z.array(z.string()).default([]),
      /** Why each failed family failed: `error`, `denied` (the credential may not read it) or `skipped` (a private cluster). */
      failures: z.array(z.object({ family: z.string(), kind: z.enum(['error', 'denied', 'skipped']), reason: z.string() })).optional(),
      /** Items collected per family. */
      counts: z.record(z.string(), z.number()).optional(),
    }),
  ),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
}

export function normalizeScope(scope: string): string {
  const trimmed = scope.trim().toLowerCase().replace(/\/+$/, '');
  return /^[0-9a-f-]{36}$/.test(trimmed) ? `/subscriptions/${trimmed}` : trimmed;
}

/** The manifest, or undefined when the snapshot has none; a broken manifest is an error, never ignored. */
export async function readManifest(root: string): Promise<Manifest | undefined> {
  const file = path.join(root, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ManifestError(`${file} is not valid JSON (${(error as Error).message}); fix it or remove it (without it nothing is cleaned up).`);
  }
  const parsed = ManifestSchema.safeParse(document);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'manifest'}: ${issue.message}`).join('; ');
    throw new ManifestError(`${file} does not follow the manifest format (${issues}); see "Snapshot format" in the README.`);
  }
  return parsed.data;
}
