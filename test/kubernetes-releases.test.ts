import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { estimatedEndOfLife, readReleases, renderData, PUBLISHED_END_OF_LIFE } from '../scripts/update-kubernetes-releases.js';
import { dataNote, latestPatchOn, MINOR_RELEASES, RELEASE_DATA_AS_OF, supportOf } from '../src/core/releases/kubernetes-releases.js';

describe('the Kubernetes release data', () => {
  it('is ordered, complete from 1.25 on, and every minor ends after it starts', () => {
    const minors = MINOR_RELEASES.map((release) => Number(release.minor.split('.')[1]));
    assert.deepEqual(minors, minors.map((_, index) => 25 + index));
    for (const release of MINOR_RELEASES) {
      assert.ok(release.patches[0], `${release.minor} has no .0 date`);
      assert.ok(release.endOfLife > release.patches[0]!, release.minor);
      assert.equal(release.endOfLifeEstimated, PUBLISHED_END_OF_LIFE[release.minor] === undefined, release.minor);
      for (const date of release.patches) if (date) assert.ok(date <= RELEASE_DATA_AS_OF, `${release.minor}: ${date} after the data date`);
    }
  });

  it('answers the newest patch as of a date, never one released later', () => {
    const release = { minor: '1.40', endOfLife: '2030-01-28', endOfLifeEstimated: true, patches: ['2028-01-01', '2028-02-01', null, '2028-04-01'] };
    assert.equal(latestPatchOn(release, new Date('2027-12-31T00:00:00Z')), undefined);
    assert.deepEqual(latestPatchOn(release, new Date('2028-03-15T00:00:00Z')), { patch: 1, released: '2028-02-01' });
    assert.deepEqual(latestPatchOn(release, new Date('2028-04-01T00:00:00Z')), { patch: 3, released: '2028-04-01' });
  });

  it('judges support by end of life and says how old the data is', () => {
    assert.equal(supportOf('1.29', new Date('2025-03-01T00:00:00Z')).state, 'end-of-life');
    assert.equal(supportOf('1.29', new Date('2025-02-28T12:00:00Z')).state, 'supported');
    assert.equal(supportOf('1.24', new Date()).state, 'unknown-older');
    assert.equal(supportOf('1.99', new Date()).state, 'unknown-newer');
    const later = new Date(Date.parse(`${RELEASE_DATA_AS_OF}T00:00:00Z`) + 10 * 86_400_000);
    assert.equal(dataNote(later), `release data as of ${RELEASE_DATA_AS_OF}, 10 days old`);
    assert.equal(dataNote(new Date('2020-01-01T00:00:00Z')), `release data as of ${RELEASE_DATA_AS_OF}`);
  });

  it('estimates end of life by the published rule where kubernetes.io gives none yet', () => {
    // The published dates follow it: 1.32 released 2024-12-11 ended 2026-02-28.
    assert.equal(estimatedEndOfLife('2024-12-11'), '2026-02-28');
    assert.equal(estimatedEndOfLife('2025-04-23'), '2026-06-28');
    assert.equal(estimatedEndOfLife('2026-11-02'), '2028-01-28');
  });
});

describe('scripts/update-kubernetes-releases', () => {
  it('reads tags and dates through the Go module proxy protocol, probing past an incomplete list', async () => {
    // GOPROXY protocol (go.dev/ref/mod#goproxy-protocol): $module/@v/list and $module/@v/$version.info.
    const tags: Record<string, string> = { 'v0.24.0': '2022-05-03', 'v0.25.0': '2022-08-23T17:36:43Z', 'v0.25.1': '2022-09-16T10:00:00Z', 'v0.25.3': '2022-10-13T10:00:00Z', 'v0.25.4': '2022-11-10T10:00:00Z', 'v0.40.0': '2030-01-10T00:00:00Z' };
    const asked: string[] = [];
    const server = createServer((request, response) => {
      asked.push(request.url ?? '');
      if (request.url === '/k8s.io/api/@v/list') return response.end('v0.24.0\nv0.25.0\nv0.25.1\nv0.25.3\nv0.25.0-rc.1\nv0.40.0\n');
      const match = /^\/k8s\.io\/api\/@v\/(v[\d.]+)\.info$/.exec(request.url ?? '');
      const time = match ? tags[match[1]!] : undefined;
      if (!time) {
        response.statusCode = 404;
        return response.end('not found');
      }
      response.end(JSON.stringify({ Version: match![1], Time: time }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const releases = await readReleases(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      assert.deepEqual(releases, [
        { minor: '1.25', endOfLife: '2023-10-28', endOfLifeEstimated: false, patches: ['2022-08-23', '2022-09-16', null, '2022-10-13', '2022-11-10'] },
        { minor: '1.40', endOfLife: '2031-03-28', endOfLifeEstimated: true, patches: ['2030-01-10'] },
      ]);
      assert.ok(asked.includes('/k8s.io/api/@v/v0.25.4.info'), 'v0.25.4 is past the list and must be probed');
      assert.ok(!asked.some((url) => url.includes('v0.24.')), 'minors before 1.25 are not read');
      const rendered = renderData(releases, '2030-02-01');
      assert.match(rendered, /export const RELEASE_DATA_AS_OF = '2030-02-01';/);
      assert.match(rendered, /patches: \['2022-08-23', '2022-09-16', null, '2022-10-13', '2022-11-10'\],/);
    } finally {
      server.close();
    }
  });
});
