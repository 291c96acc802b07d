import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonListFile } from '../../src/collect/json-list-file.js';
import { scratchFolder } from '../helpers/scratch.js';

const scratch = scratchFolder();

describe('JsonListFile', () => {
  it('takes appends from many concurrent tasks and still writes one valid list with every item', async () => {
    const file = new JsonListFile(path.join(scratch.root, 'azure/arm/s/web-config.json'));
    // Items large enough that several appends flush while others are still queued.
    const big = 'x'.repeat(20_000);
    await Promise.all(Array.from({ length: 40 }, (_, task) => file.append([{ task, big }, { task, second: true }])));
    await file.commit();
    const document = JSON.parse(await readFile(file.file, 'utf8')) as { value: Array<{ task: number }> };
    expect(document.value).toHaveLength(80);
    expect(new Set(document.value.map((item) => item.task)).size).toBe(40);
    expect(await readdir(path.dirname(file.file))).toEqual(['web-config.json']);
  });

  it('puts the head fields before the list, and an empty list is still a whole document', async () => {
    const file = new JsonListFile(path.join(scratch.root, 'users.json'), { head: { '@odata.context': 'https://graph/v1.0/$metadata#users' } });
    await file.commit();
    expect(JSON.parse(await readFile(file.file, 'utf8'))).toEqual({ '@odata.context': 'https://graph/v1.0/$metadata#users', value: [] });
  });
});
