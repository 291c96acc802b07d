import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchFolder } from '../helpers/scratch.js';
import { readAzureSnapshot, SnapshotNotFoundError } from '../../src/snapshot/read-azure.js';
import { ids, lower, nsg, publicIp, vnet } from '../helpers/arm.js';

const scratch = scratchFolder('reachgraph-');
const put = scratch.put;

const VNET = vnet('vnet', '10.0.0.0/16', [{ name: 'web', prefix: '10.0.1.0/24' }]);
const NSG = nsg('nsg-web', [{ name: 'allow-https', priority: 100, ports: '443' }]);
const PIP = publicIp('pip', 'Standard', '203.0.113.1');

const idsOf = (resources: readonly { id: string }[]) => resources.map((resource) => lower(resource.id)).sort();

describe('readAzureSnapshot: file shapes', () => {
  it('reads a file that is a bare JSON array of resources', async () => {
    await put('azure/resources.json', [VNET, NSG]);
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.files).toEqual([path.join('azure', 'resources.json')]);
    expect(snapshot.resources).toEqual([VNET, NSG]);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.duplicates).toBe(0);
  });

  it('reads the records of an `az graph query` response from its data array', async () => {
    await put('azure/graph.json', { count: 2, data: [VNET, PIP], skip_token: null, total_records: 2 });
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.resources).toEqual([VNET, PIP]);
    expect(snapshot.errors).toEqual([]);
  });

  it('reads the records of an ARM list response from its value array', async () => {
    await put('azure/list.json', { value: [NSG, PIP], nextLink: null });
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.resources).toEqual([NSG, PIP]);
    expect(snapshot.errors).toEqual([]);
  });

  it('turns the rows of a Resource Graph table response into records keyed by column name', async () => {
    await put('azure/table.json', {
      totalRecords: 2,
      count: 2,
      resultTruncated: 'false',
      data: {
        columns: [
          { name: 'id', type: 'string' },
          { name: 'name', type: 'string' },
          { name: 'type', type: 'string' },
          { name: 'properties', type: 'object' },
        ],
        rows: [
          [ids.pip('pip-a'), 'pip-a', 'microsoft.network/publicipaddresses', { ipAddress: '203.0.113.7' }],
          [ids.nsg('nsg-b'), 'nsg-b', 'microsoft.network/networksecuritygroups', { securityRules: [] }],
        ],
      },
    });
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.resources).toEqual([
      { id: ids.pip('pip-a'), name: 'pip-a', type: 'microsoft.network/publicipaddresses', properties: { ipAddress: '203.0.113.7' } },
      { id: ids.nsg('nsg-b'), name: 'nsg-b', type: 'microsoft.network/networksecuritygroups', properties: { securityRules: [] } },
    ]);
  });
});

describe('readAzureSnapshot: which files are read', () => {
  it('reads JSON files in nested folders under azure/ and lists them relative to the root, sorted', async () => {
    await put('azure/resource-graph/resources.json', { data: [VNET] });
    await put('azure/arm/sub-1/rg-a/networkSecurityGroups.json', { value: [NSG] });
    await put('azure/arm/sub-2/publicIPAddresses.json', [PIP]);
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.files).toEqual([
      path.join('azure', 'arm', 'sub-1', 'rg-a', 'networkSecurityGroups.json'),
      path.join('azure', 'arm', 'sub-2', 'publicIPAddresses.json'),
      path.join('azure', 'resource-graph', 'resources.json'),
    ]);
    expect(idsOf(snapshot.resources)).toEqual(idsOf([VNET, NSG, PIP]));
    expect(snapshot.errors).toEqual([]);
  });

  it('ignores files that are not .json, even when their content is not JSON', async () => {
    await put('azure/resources.json', [VNET]);
    await put('azure/README.md', '# how this export was made {not json');
    await put('azure/resources.json.bak', '[{"broken"');
    await put('azure/export.csv', 'id,type\n/x,y');
    await put('notes.json', '{ this is outside azure/ and broken');
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.files).toEqual([path.join('azure', 'resources.json')]);
    expect(snapshot.resources).toEqual([VNET]);
    expect(snapshot.errors).toEqual([]);
  });

  it('reads an empty azure/ folder as an empty snapshot', async () => {
    await mkdir(path.join(scratch.root, 'azure'));
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot).toMatchObject({ files: [], resources: [], errors: [], duplicates: 0 });
  });
});

describe('readAzureSnapshot: bad input is reported and the rest still loads', () => {
  it('reports a malformed JSON file with its relative path, line and column, and still loads the other files', async () => {
    await put('azure/good.json', [VNET]);
    // Missing comma between the two records: the error is at the start of line 3.
    await put('azure/sub/bad.json', `[\n  {"id": "/a", "type": "t"}\n  {"id": "/b", "type": "t"}\n]`);
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.resources).toEqual([VNET]);
    expect(snapshot.errors).toHaveLength(1);
    expect(snapshot.errors[0]!.path).toBe(path.join('azure', 'sub', 'bad.json'));
    // Node's own message says "line 3 column 3"; the reader's own format is "line 3, column 3". Either carries the place.
    expect(snapshot.errors[0]!.message).toMatch(/malformed JSON/);
    expect(snapshot.errors[0]!.message).toMatch(/line 3,? column 3\b/);
  });

  it('gives a truncated file ("Unexpected end of JSON input") the line and column where it stops', async () => {
    await put('azure/good.json', [NSG]);
    await put('azure/truncated.json', `[\n  {"id": "/a",\n  "type": `);
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.resources).toEqual([NSG]);
    expect(snapshot.errors).toEqual([
      { path: path.join('azure', 'truncated.json'), message: expect.stringMatching(/^malformed JSON at line 3, column 11: Unexpected end of JSON input$/) },
    ]);
  });

  it('gives an "Unexpected token" syntax error (e.g. NaN) a line and column too', async () => {
    await put('azure/nan.json', `[\n  {"id": "/a", "type": "t",\n   "properties": {"count": NaN}}\n]`);
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.errors).toHaveLength(1);
    expect(snapshot.errors[0]!.message).toMatch(/line 3,? column 28\b/);
  });

  it('reads a file that starts with a UTF-8 byte-order mark', async () => {
    await put('azure/bom.json', `\uFEFF${JSON.stringify([VNET])}`);
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.resources).toEqual([VNET]);
  });

  it('reports a JSON file of the wrong shape with a message naming the accepted shapes', async () => {
    await put('azure/a-good.json', [VNET]);
    await put('azure/foo.json', { foo: 1 });
    await put('azure/scalar.json', '"just text"');
    await put('azure/null.json', 'null');
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.resources).toEqual([VNET]);
    const shape = /expected a JSON array of resources, or an object with a "data" or "value" array/;
    expect(snapshot.errors).toEqual([
      { path: path.join('azure', 'foo.json'), message: expect.stringMatching(shape) },
      { path: path.join('azure', 'null.json'), message: expect.stringMatching(shape) },
      { path: path.join('azure', 'scalar.json'), message: expect.stringMatching(shape) },
    ]);
  });

  it('reports a "data" object that is not a Resource Graph table', async () => {
    await put('azure/odd.json', { data: { columns: [{ name: 'id' }] } });
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.resources).toEqual([]);
    expect(snapshot.errors).toEqual([{ path: path.join('azure', 'odd.json'), message: expect.stringMatching(/columns \+ rows/) }]);
  });

  it('reports a record without id or type by its index, and keeps the other records of the same file', async () => {
    await put('azure/mixed.json', {
      value: [VNET, { type: 'Microsoft.Network/publicIPAddresses', name: 'no-id' }, { id: ids.pip('no-type'), name: 'no-type' }, 'not an object', PIP],
    });
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.resources).toEqual([VNET, PIP]);
    const file = path.join('azure', 'mixed.json');
    expect(snapshot.errors.map((error) => error.path)).toEqual([file, file, file]);
    expect(snapshot.errors[0]!.message).toMatch(/^record 1 is not an ARM resource: id: /);
    expect(snapshot.errors[1]!.message).toMatch(/^record 2 is not an ARM resource: type: /);
    expect(snapshot.errors[2]!.message).toMatch(/^record 3 is not an ARM resource/);
  });

  it('rejects an empty id', async () => {
    await put('azure/empty-id.json', [{ id: '', type: 'Microsoft.Network/publicIPAddresses' }, PIP]);
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.resources).toEqual([PIP]);
    expect(snapshot.errors).toEqual([{ path: path.join('azure', 'empty-id.json'), message: expect.stringMatching(/^record 0 .*id/) }]);
  });
});

describe('readAzureSnapshot: duplicates', () => {
  it('counts the same id in two files, differing only in case, as one duplicate and keeps the later copy', async () => {
    const first = { ...PIP, id: PIP.id.toUpperCase(), tags: { copy: 'first' } };
    const second = { ...PIP, id: PIP.id.toLowerCase(), tags: { copy: 'second' } };
    await put('azure/a.json', [first]);
    await put('azure/b.json', [second]);
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.duplicates).toBe(1);
    expect(snapshot.resources).toEqual([second]);
  });

  it('counts duplicates within one file and keeps the later record', async () => {
    await put('azure/a.json', [
      { ...NSG, tags: { copy: '1' } },
      VNET,
      { ...NSG, id: `${NSG.id}/`, tags: { copy: '2' } },
      { ...NSG, id: NSG.id.toUpperCase(), tags: { copy: '3' } },
    ]);
    const snapshot = await readAzureSnapshot(scratch.root);
    expect(snapshot.duplicates).toBe(2);
    expect(snapshot.resources).toHaveLength(2);
    expect(snapshot.resources.find((resource) => lower(resource.id) === lower(NSG.id))?.tags).toEqual({ copy: '3' });
  });
});

describe('readAzureSnapshot: no snapshot', () => {
  it('throws SnapshotNotFoundError pointing at the README snapshot format when there is no azure/ folder', async () => {
    await put('aws/resources.json', []);
    const error = await readAzureSnapshot(scratch.root).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SnapshotNotFoundError);
    expect((error as Error).message).toContain(scratch.root);
    expect((error as Error).message).toMatch(/azure\/ folder/);
    expect((error as Error).message).toMatch(/"Snapshot format" in the README/);
  });

  it('throws SnapshotNotFoundError when the directory does not exist', async () => {
    await expect(readAzureSnapshot(path.join(scratch.root, 'missing'))).rejects.toBeInstanceOf(SnapshotNotFoundError);
  });

  it('throws SnapshotNotFoundError when azure is a file, not a folder', async () => {
    await put('azure', '[]');
    await expect(readAzureSnapshot(scratch.root)).rejects.toBeInstanceOf(SnapshotNotFoundError);
  });
});
