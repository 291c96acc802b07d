import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSavedQuery, type SavedQuery, SavedQueryError } from './saved-query.js';

export const CYPHER_DIRECTORY = fileURLToPath(new URL('../../cypher', import.meta.url));

/** All saved queries, by name; a broken header is an error naming the file, never a silently missing query. */
export async function loadCatalog(directory: string = CYPHER_DIRECTORY): Promise<Map<string, SavedQuery>> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.cypher')).sort();
  const catalog = new Map<string, SavedQuery>();
  for (const file of files) {
    const query = parseSavedQuery(path.join('cypher', file), await readFile(path.join(directory, file), 'utf8'));
    if (catalog.has(query.name)) throw new SavedQueryError(`cypher/${file}: the name ${query.name} is already used by ${catalog.get(query.name)!.file}`);
    catalog.set(query.name, query);
  }
  return catalog;
}
