import { readdir, readFile, stat } from 'node:fs/promises';
import { type ParseError, parseTree } from 'jsonc-parser';
import path from 'node:path';
import { normalizeId } from '../model/ids.js';
import { type ArmResource, ArmResourceSchema } from './arm-resource.js';

export interface SnapshotProblem {
  /** The file, relative to the snapshot root. */
  path: string;
  message: string;
}

export interface AzureSnapshot {
  root: string;
  /** Files read, relative to the snapshot root, in a stable order. */
  files: string[];
  /** Resources keyed by lowercased id; a later file's copy of an id replaces an earlier one. */
  resources: ArmResource[];
  duplicates: number;
  /** Files or records that could not be used; the rest of the snapshot still loads. */
  errors: SnapshotProblem[];
}

export class SnapshotNotFoundError extends Error {
  constructor(root: string) {
    super(
      `No snapshot at ${root}: expected a directory with an azure/ folder of JSON files ` +
        `(see "Snapshot format" in the README).`,
    );
  }
}

export async function listJsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.name.toLowerCase().endsWith('.json')) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() || (entry.isSymbolicLink() && (await stat(file).catch(() => undefined))?.isFile())) files.push(file);
  }
  return files.sort();
}

/**
 * Node's JSON errors rarely say where the problem is; jsonc-parser (strict
 * mode) finds the offset of the first error, which becomes a line and column.
 */
export function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return `malformed JSON: ${message}`;
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  const reason = message.replace(/ (?:in JSON )?at position \d+(?: \(line \d+ column \d+\))?/, '');
  return `malformed JSON at line ${line}, column ${column}: ${reason}`;
}

/**
 * The three shapes a file may take: a bare array, an `az graph query` /
 * Resource Graph REST response (`data`, as objects or as a table), or an ARM
 * list response (`value`).
 */
function recordsOf(document: unknown): unknown[] | string {
  if (Array.isArray(document)) return document;
  if (document && typeof document === 'object') {
    const { data, value } = document as { data?: unknown; value?: unknown };
    if (Array.isArray(data)) return data;
    if (Array.isArray(value)) return value;
    if (data && typeof data === 'object') return tableRows(data);
  }
  return 'expected a JSON array of resources, or an object with a "data" or "value" array';
}

function tableRows(table: object): unknown[] | string {
  const { columns, rows } = table as { columns?: unknown; rows?: unknown };
  if (!Array.isArray(columns) || !Array.isArray(rows)) {
    return 'the "data" object is neither an array nor a Resource Graph table (columns + rows)';
  }
  const names = columns.map((column) => String((column as { name?: unknown })?.name ?? ''));
  return rows.map((row) =>
    Array.isArray(row) ? Object.fromEntries(names.map((name, index) => [name, row[index]])) : row,
  );
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || 'record'}: ${issue.message}`).join('; ');
}

export async function readAzureSnapshot(root: string): Promise<AzureSnapshot> {
  const azureDir = path.join(root, 'azure');
  const info = await stat(azureDir).catch(() => undefined);
  if (!info?.isDirectory()) throw new SnapshotNotFoundError(root);

  const files = await listJsonFiles(azureDir);
  const byId = new Map<string, ArmResource>();
  const errors: SnapshotProblem[] = [];
  let duplicates = 0;

  for (const file of files) {
    const relative = path.relative(root, file);
    // Windows tools (PowerShell's Out-File) start UTF-8 files with a byte-order mark.
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      errors.push({ path: relative, message: describeJsonError(text, error) });
      continue;
    }
    const records = recordsOf(document);
    if (typeof records === 'string') {
      errors.push({ path: relative, message: records });
      continue;
    }
    records.forEach((record, index) => {
      const parsed = ArmResourceSchema.safeParse(record);
      if (!parsed.success) {
        errors.push({ path: relative, message: `record ${index} is not an ARM resource: ${describeIssues(parsed.error.issues)}` });
        return;
      }
      const key = normalizeId(parsed.data.id);
      if (byId.has(key)) duplicates += 1;
      byId.set(key, parsed.data);
    });
  }

  return {
    root,
    files: files.map((file) => path.relative(root, file)),
    resources: [...byId.values()],
    duplicates,
    errors,
  };
}
