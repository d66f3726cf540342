import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyLayer, createMergeState, finishInventory, type LayerScan } from '../src/core/images/layers.js';
import { buildDate, imageMetadata } from '../src/core/images/metadata.js';

/**
 * The merge against a model overlay filesystem: random layers of writes, whiteouts,
 * opaque directories and files replacing directories over a small tree; the packages
 * reported and the layer each is attributed to must match the model.
 */
const FILES = ['a/x.json', 'a/b/y.json', 'a/b/z.json', 'c.json'];
const DIRS = ['a', 'a/b'];

type Operation = { kind: 'write'; path: string; version: number } | { kind: 'whiteout'; path: string } | { kind: 'opaque'; dir: string } | { kind: 'fileOverDir'; dir: string };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), path: fc.constantFrom(...FILES), version: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('whiteout' as const), path: fc.constantFrom(...FILES, ...DIRS) }),
  fc.record({ kind: fc.constant('opaque' as const), dir: fc.constantFrom(...DIRS) }),
  fc.record({ kind: fc.constant('fileOverDir' as const), dir: fc.constantFrom(...DIRS) }),
);

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

describe('layer merge (pure)', () => {
  it('matches an overlay filesystem model for whiteouts, opaque directories, files over directories and attribution', () => {
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(operation, { maxLength: 4, selector: (op) => ('path' in op ? op.path : op.dir) }), { minLength: 1, maxLength: 6 }), (layers) => {
        const model = new Map<string, { version: number; layer: number }>();
        const state = createMergeState();
        layers.forEach((ops, index) => {
          // model
          const before = new Map(model);
          for (const op of ops) if (op.kind === 'opaque') for (const path of [...model.keys()]) if (path.startsWith(`${op.dir}/`)) model.delete(path);
          for (const op of ops) if (op.kind === 'whiteout' || op.kind === 'fileOverDir') for (const path of [...model.keys()]) if (under(path, op.kind === 'whiteout' ? op.path : op.dir)) model.delete(path);
          for (const op of ops) {
            if (op.kind !== 'write') continue;
            // a write below a directory this layer replaced by a file cannot happen in a tar: skip such layers' writes
            if (ops.some((other) => other.kind === 'fileOverDir' && under(op.path, other.dir))) continue;
            model.set(op.path, { version: op.version, layer: index });
          }
          // attribution diffs snapshots: unchanged across the layer keeps its earlier layer
          for (const [path, entry] of model) {
            const previous = before.get(path);
            if (previous && previous.version === entry.version) model.set(path, { ...entry, layer: previous.layer });
          }
          // merge under test, fed the way the walker feeds it
          const scan: LayerScan = { files: [], whiteouts: [], opaqueDirs: [], entries: [], problems: [] };
          for (const op of ops) {
            if (op.kind === 'opaque') scan.opaqueDirs.push(op.dir);
            else if (op.kind === 'whiteout') scan.whiteouts.push(op.path);
            else if (op.kind === 'fileOverDir') scan.entries.push(op.dir);
            else if (!ops.some((other) => other.kind === 'fileOverDir' && under(op.path, other.dir))) {
              scan.entries.push(op.path);
              scan.files.push({ path: op.path, analyzer: 'npm', kind: 'language', output: { packages: [{ ecosystem: 'npm', scheme: 'npm', name: op.path, version: String(op.version), path: op.path }] } });
            }
          }
          applyLayer(state, { index, digest: `sha256:${String(index).padStart(64, '0')}` }, scan);
        });
        const inventory = finishInventory(state, { reference: 'x', digest: 'y', layers: [] });
        const actual = new Map(inventory.packages.map((item) => [item.name, { version: Number(item.version), layer: item.layer!.index }]));
        assert.deepEqual(actual, model);
      }),
      { numRuns: 500 },
    );
  });

  it('a package removed and reinstalled belongs to the later layer', () => {
    const state = createMergeState();
    const status = (names: string[]): LayerScan => ({
      files: [{ path: 'var/lib/dpkg/status', analyzer: 'dpkg', kind: 'os-packages', output: { packages: names.map((name) => ({ scheme: 'dpkg' as const, name, version: '1', path: 'var/lib/dpkg/status' })) } }],
      whiteouts: [],
      opaqueDirs: [],
      entries: [],
      problems: [],
    });
    applyLayer(state, { index: 0, digest: 'l0' }, status(['a', 'b']));
    applyLayer(state, { index: 1, digest: 'l1' }, status(['a']));
    applyLayer(state, { index: 2, digest: 'l2' }, status(['a', 'b']));
    const inventory = finishInventory(state, { reference: 'x', digest: 'y', layers: [] });
    assert.deepEqual(inventory.packages.map((item) => [item.name, item.layer?.digest, item.ecosystem]), [['a', 'l0', 'Debian'], ['b', 'l2', 'Debian']]);
  });

  it('metadata: empty_layer history skipped, epoch-zero dates unknown', () => {
    const config = {
      created: '1970-01-01T00:00:00Z',
      history: [{ created_by: 'FROM scratch', empty_layer: true }, { created_by: 'COPY a /' }, { created_by: 'ENV X=1', empty_layer: true }, { created_by: 'COPY b /', created: '0001-01-01T00:00:00Z' }],
    };
    const metadata = imageMetadata({ reference: 'r', digest: 'd', config, layers: [{ descriptor: { mediaType: '', digest: 'l0', size: 1 } }, { descriptor: { mediaType: '', digest: 'l1', size: 1 } }] });
    assert.deepEqual(metadata.layers.map((layer) => layer.createdBy), ['COPY a /', 'COPY b /']);
    assert.equal(metadata.created, undefined);
    assert.equal(buildDate({ created: '1970-01-01T00:00:00Z', config: { Labels: { 'org.opencontainers.image.created': '2024-02-03T04:05:06Z' } } }), '2024-02-03T04:05:06Z');
  });
});
