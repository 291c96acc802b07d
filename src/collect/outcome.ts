/**
 * What a collection got, per scope (a subscription, an AKS cluster's ARM id,
 * or `tenant`) and family: collected in full, or not — and why. This becomes
 * the manifest that tells ingest which families it may clean.
 */
import { normalizeScope } from '../snapshot/manifest.js';

/** `error`: something broke (exit 1). `denied`: the credential may not read it. `skipped`: out of reach by design (a private cluster). */
export type ProblemKind = 'error' | 'denied' | 'skipped';

export interface CollectionProblem {
  scope: string;
  family: string;
  kind: ProblemKind;
  reason: string;
}

interface ScopeRecord {
  attempted: Set<string>;
  problems: Map<string, CollectionProblem>;
  counts: Map<string, number>;
}

export class CollectionOutcome {
  private readonly scopes = new Map<string, ScopeRecord>();

  private record(scope: string): ScopeRecord {
    const key = normalizeScope(scope);
    let record = this.scopes.get(key);
    if (!record) {
      record = { attempted: new Set(), problems: new Map(), counts: new Map() };
      this.scopes.set(key, record);
    }
    return record;
  }

  /** These families were read in full in this scope (unless a problem is recorded for one of them). */
  collected(scope: string, families: Iterable<string>): void {
    const record = this.record(scope);
    for (const family of families) record.attempted.add(family);
  }

  /** The first problem of a family in a scope is kept: it is the cause, later ones follow from it. */
  problem(scope: string, family: string, kind: ProblemKind, reason: string): void {
    const record = this.record(scope);
    record.attempted.add(family);
    if (!record.problems.has(family)) record.problems.set(family, { scope: normalizeScope(scope), family, kind, reason });
  }

  count(scope: string, family: string, items: number): void {
    const record = this.record(scope);
    record.counts.set(family, (record.counts.get(family) ?? 0) + items);
  }

  problems(): CollectionProblem[] {
    return [...this.scopes.values()].flatMap((record) => [...record.problems.values()]);
  }

  /** Failures that make the collection incomplete through no choice of the user's: exit code 1. */
  hasErrors(): boolean {
    return this.problems().some((problem) => problem.kind === 'error');
  }

  totals(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const record of this.scopes.values()) for (const [family, n] of record.counts) totals[family] = (totals[family] ?? 0) + n;
    return Object.fromEntries(Object.entries(totals).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The manifest's `scopes`: complete families, failed ones with reasons, counts. */
  manifestScopes(): ManifestScopeOut[] {
    return [...this.scopes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([scope, record]) => ({
        scope,
        complete: [...record.attempted].filter((family) => !record.problems.has(family)).sort(),
        failed: [...record.problems.keys()].sort(),
        failures: [...record.problems.values()].map(({ family, kind, reason }) => ({ family, kind, reason })),
        counts: Object.fromEntries([...record.counts].sort(([a], [b]) => a.localeCompare(b))),
      }));
  }
}

export interface ManifestScopeOut {
  scope: string;
  complete: string[];
  failed: string[];
  failures: Array<{ family: string; kind: ProblemKind; reason: string }>;
  counts: Record<string, number>;
}
