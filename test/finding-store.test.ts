import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteFindingStore } from '../src/adapters/store/finding-store.js';
import { findingKey, recordScan } from '../src/app/findings.js';
import { scanText } from './support/scan.js';
import { tempDir } from './support/temp.js';

const pod = (name: string, spec: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop}
spec:
${spec}
  containers: [{name: c, image: nginx:1.27}]
`;

const HOST_NETWORK_AND_PID = pod('web', '  hostNetwork: true\n  hostPID: true');
const HOST_PID_AND_IPC = pod('web', '  hostPID: true\n  hostIPC: true');
const ONLY = { only: ['host-network', 'host-pid', 'host-ipc'] };

describe('the finding store (SQLite)', () => {
  it('keeps the latest run of each scope by key: added, resolved, first and last seen', async () => {
    const file = path.join(tempDir('palisade-findings'), 'nested', 'findings.db');
    const store = SqliteFindingStore.open(file);
    const first = scanText(HOST_NETWORK_AND_PID, ONLY).findings;
    const second = scanText(HOST_PID_AND_IPC, ONLY).findings;
    assert.deepEqual(first.map((finding) => finding.checkId).sort(), ['host-network', 'host-pid']);

    const saved1 = await recordScan(store, 'cluster:prod', new Date('2026-06-01T00:00:00Z'), first);
    assert.deepEqual(saved1.added, first.map(findingKey).sort());
    assert.deepEqual([saved1.resolved, saved1.unchanged], [[], 0]);
    // Another scope is another series of runs.
    await recordScan(store, 'repo:shop', new Date('2026-06-01T00:00:00Z'), first);

    const saved2 = await recordScan(store, 'cluster:prod', new Date('2026-06-02T00:00:00Z'), second);
    const key = (checkId: string) => findingKey([...first, ...second].find((finding) => finding.checkId === checkId)!);
    assert.deepEqual(saved2.added, [key('host-ipc')]);
    assert.deepEqual(saved2.resolved, [key('host-network')]);
    assert.equal(saved2.unchanged, 1);
    assert.notEqual(saved2.run, saved1.run);
    store.close();

    // Reopened: what was saved is there.
    const reader = SqliteFindingStore.open(file);
    const prod = await reader.latest({ scope: 'cluster:prod' });
    assert.deepEqual(
      prod.map((item) => [item.finding.checkId, item.firstSeen, item.lastSeen, item.run]),
      [
        ['host-ipc', '2026-06-02T00:00:00.000Z', '2026-06-02T00:00:00.000Z', saved2.run],
        ['host-pid', '2026-06-01T00:00:00.000Z', '2026-06-02T00:00:00.000Z', saved2.run],
      ].sort((a, b) => (key(a[0]!) < key(b[0]!) ? -1 : 1)),
    );
    assert.deepEqual(prod.find((item) => item.finding.checkId === 'host-pid')?.finding, second.find((finding) => finding.checkId === 'host-pid'));
    assert.deepEqual((await reader.latest()).map((item) => item.scope), ['cluster:prod', 'cluster:prod', 'repo:shop', 'repo:shop']);
    assert.deepEqual((await reader.latest({ checkIds: ['host-network'] })).map((item) => item.scope), ['repo:shop']);
    assert.deepEqual(await reader.latest({ checkIds: [] }), []);
    // The three checks are high.
    assert.equal((await reader.latest({ minSeverity: 'high' })).length, 4);
    assert.deepEqual(await reader.latest({ minSeverity: 'critical' }), []);

    // A resolved finding that comes back is new again.
    const saved3 = await recordScan(reader, 'cluster:prod', new Date('2026-06-03T00:00:00Z'), first);
    assert.deepEqual(saved3.added, [key('host-network')]);
    assert.equal((await reader.latest({ scope: 'cluster:prod', checkIds: ['host-network'] }))[0]?.firstSeen, '2026-06-03T00:00:00.000Z');
    reader.close();
  });

  it('refuses a store of another schema, naming the file', () => {
    const file = path.join(tempDir('palisade-findings'), 'findings.db');
    const db = new Database(file);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema', '99');");
    db.close();
    assert.throws(() => SqliteFindingStore.open(file), new RegExp(`${file.replace(/[.]/g, '\\.')}: finding store schema 99`));
  });
});
