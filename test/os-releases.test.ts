import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HAND_WRITTEN, parseDistroInfo, renderData } from '../scripts/update-os-releases.js';
import { describeOsSupport, OS_RELEASES, osReleaseOf, osSupport, RELEASE_DATA_AS_OF } from '../src/core/images/os-support.js';
import { DISTRO_INFO_DATA_VERSION } from '../src/core/images/os-releases.data.js';

/** The installed distro-info-data version, when there is one. */
const INSTALLED_DISTRO_INFO = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'distro-info-data'], { encoding: 'utf8' }).stdout?.trim() ?? '';

const day = (date: string) => new Date(`${date}T12:00:00Z`);

describe('osSupport', () => {
  it('judges Debian by its regular and LTS end of life, both inclusive', () => {
    const bookworm = { id: 'debian', versionId: '12' };
    assert.deepEqual(osSupport(bookworm, day('2026-01-01')), { state: 'supported', endOfLife: '2026-07-11', ltsEndOfLife: '2028-06-30', dataAsOf: RELEASE_DATA_AS_OF });
    assert.equal(osSupport(bookworm, day('2026-07-11')).state, 'supported');
    assert.equal(osSupport(bookworm, day('2026-07-12')).state, 'lts-only');
    assert.equal(osSupport(bookworm, day('2028-06-30')).state, 'lts-only');
    assert.equal(osSupport(bookworm, day('2028-07-01')).state, 'end-of-life');
    assert.equal(osSupport({ id: 'debian', versionId: '9' }, day('2026-06-01')).state, 'end-of-life');
  });

  it('judges Ubuntu by standard support and ESM', () => {
    assert.deepEqual(osSupport({ id: 'ubuntu', versionId: '22.04' }, day('2026-01-01')), { state: 'supported', endOfLife: '2027-06-01', ltsEndOfLife: '2032-04-21', dataAsOf: RELEASE_DATA_AS_OF });
    assert.equal(osSupport({ id: 'ubuntu', versionId: '18.04' }, day('2026-01-01')).state, 'lts-only');
    // Interim releases have no ESM: straight to end of life.
    assert.equal(osSupport({ id: 'ubuntu', versionId: '23.10' }, day('2026-01-01')).state, 'end-of-life');
  });

  it('matches VERSION_ID as images carry it', () => {
    assert.equal(osReleaseOf({ id: 'alpine', versionId: '3.20.3' })?.version, '3.20');
    assert.equal(osReleaseOf({ id: 'rhel', versionId: '9.4' })?.version, '9');
    assert.equal(osReleaseOf({ id: 'rocky', versionId: '8.10' })?.version, '8');
    assert.equal(osReleaseOf({ id: 'almalinux', versionId: '9.5' })?.version, '9');
    assert.equal(osReleaseOf({ id: 'amzn', versionId: '2' })?.endOfLife, '2026-06-30');
    assert.equal(osReleaseOf({ id: 'amzn', versionId: '2023' })?.version, '2023');
    assert.equal(osReleaseOf({ id: 'debian', versionId: '12' })?.codename, 'bookworm');
    // Not 3.2 for 3.20.3, not Ubuntu's table for Debian.
    assert.equal(osReleaseOf({ id: 'alpine', versionId: '3.2' }), undefined);
    assert.equal(osReleaseOf({ id: 'debian', versionId: '22.04' }), undefined);
  });

  it('says unknown for what the table does not hold', () => {
    const unknown = { state: 'unknown', dataAsOf: RELEASE_DATA_AS_OF };
    assert.deepEqual(osSupport(undefined, day('2026-01-01')), unknown);
    assert.deepEqual(osSupport({ id: 'debian' }, day('2026-01-01')), unknown);
    assert.deepEqual(osSupport({ id: 'wolfi', versionId: '20230201' }, day('2026-01-01')), unknown);
    assert.deepEqual(osSupport({ id: 'debian', versionId: '99' }, day('2026-01-01')), unknown);
  });

  it('describes the state for the report', () => {
    assert.equal(describeOsSupport(osSupport({ id: 'debian', versionId: '12' }, day('2026-01-01'))), 'supported until 2026-07-11 (LTS 2028-06-30)');
    assert.equal(describeOsSupport(osSupport({ id: 'centos', versionId: '7' }, day('2026-01-01'))), 'END OF LIFE since 2024-06-30');
    assert.equal(describeOsSupport(osSupport({ id: 'debian', versionId: '10' }, day('2026-01-01'))), 'END OF LIFE since 2024-06-30');
    assert.equal(describeOsSupport(osSupport({ id: 'debian', versionId: '11' }, day('2026-01-01'))), 'regular support ended 2024-08-14, LTS/ESM until 2026-08-31');
  });
});

describe('the OS release data', () => {
  it('holds one entry per release, each ending after it starts, hand-written ones with their source', () => {
    const keys = OS_RELEASES.map((release) => `${release.id} ${release.version}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const release of OS_RELEASES) {
      if (release.released && release.endOfLife) assert.ok(release.endOfLife > release.released, `${release.id} ${release.version}`);
      if (release.ltsEndOfLife) assert.ok(release.endOfLife && release.ltsEndOfLife > release.endOfLife, `${release.id} ${release.version}`);
      if (release.source === 'hand-written') assert.match(release.url ?? '', /^https:\/\//);
    }
    for (const release of HAND_WRITTEN) assert.ok(keys.includes(`${release.id} ${release.version}`));
  });

  // The table was generated from one package version: a machine with another (a newer Debian
  // point release) is told to regenerate by the generator's own test, not failed here.
  const sameData = existsSync('/usr/share/distro-info/debian.csv') && INSTALLED_DISTRO_INFO === DISTRO_INFO_DATA_VERSION;
  it(`agrees with the installed distro-info-data ${DISTRO_INFO_DATA_VERSION}`, { skip: sameData ? false : `distro-info-data ${INSTALLED_DISTRO_INFO || 'absent'} here, the table is from ${DISTRO_INFO_DATA_VERSION}` }, () => {
    for (const id of ['debian', 'ubuntu'] as const) {
      const parsed = parseDistroInfo(readFileSync(`/usr/share/distro-info/${id}.csv`, 'utf8'), id);
      for (const release of parsed) {
        const stored = OS_RELEASES.find((item) => item.id === id && item.version === release.version);
        // Newer data may have added releases or moved dates: then regenerate the table.
        assert.deepEqual(stored, release, `${id} ${release.version}: run node dist/scripts/update-os-releases.js`);
      }
    }
  });
});

describe('scripts/update-os-releases', () => {
  it('reads distro-info-data CSV by its header, skipping unreleased rows', () => {
    const debian = [
      'version,codename,series,created,release,eol,eol-lts,eol-elts',
      '6.0,Squeeze,squeeze,2009-02-14,2011-02-06,2014-05-31,2016-02-29',
      '12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-07-11,2028-06-30,2033-06-30',
      '14,Forky,forky,2025-08-09',
      ',Sid,sid,1993-08-16',
      '',
    ].join('\n');
    assert.deepEqual(parseDistroInfo(debian, 'debian'), [
      { id: 'debian', version: '6', codename: 'squeeze', released: '2011-02-06', endOfLife: '2014-05-31', ltsEndOfLife: '2016-02-29', source: 'distro-info-data' },
      { id: 'debian', version: '12', codename: 'bookworm', released: '2023-06-10', endOfLife: '2026-07-11', ltsEndOfLife: '2028-06-30', source: 'distro-info-data' },
    ]);
    // Columns in another order, Ubuntu's server date preferred over the desktop's, ESM as the LTS date.
    const ubuntu = [
      'series,version,codename,created,release,eol,eol-server,eol-esm',
      'lucid,10.04 LTS,Lucid Lynx,2009-10-29,2010-04-29,2013-05-09,2015-04-30,',
      'jammy,22.04 LTS,Jammy Jellyfish,2021-10-14,2022-04-21,2027-06-01,2027-06-01,2032-04-21',
      'mantic,23.10,Mantic Minotaur,2023-04-20,2023-10-12,2024-07-11',
    ].join('\n');
    assert.deepEqual(parseDistroInfo(ubuntu, 'ubuntu'), [
      { id: 'ubuntu', version: '10.04', codename: 'lucid', released: '2010-04-29', endOfLife: '2015-04-30', source: 'distro-info-data' },
      { id: 'ubuntu', version: '22.04', codename: 'jammy', released: '2022-04-21', endOfLife: '2027-06-01', ltsEndOfLife: '2032-04-21', source: 'distro-info-data' },
      { id: 'ubuntu', version: '23.10', codename: 'mantic', released: '2023-10-12', endOfLife: '2024-07-11', source: 'distro-info-data' },
    ]);
  });

  it('refuses a CSV without the columns it needs or with a malformed date, naming the line', () => {
    assert.throws(() => parseDistroInfo('version,codename,series,created,release\n', 'debian'), /debian\.csv: the header has no "eol" column/);
    assert.throws(() => parseDistroInfo('version,codename,series,created,release,eol\n12,B,bookworm,2021-08-14,2023-06-10,soon\n', 'debian'), /debian\.csv line 2: eol "soon" is not a date/);
  });

  it('renders a dated table', () => {
    const text = renderData([{ id: 'alpine', version: '3.20', endOfLife: '2026-04-01', source: 'hand-written', url: 'https://alpinelinux.org/releases/' }], '2030-01-01', '0.58');
    assert.match(text, /export const RELEASE_DATA_AS_OF = '2030-01-01';/);
    assert.match(text, /\{ id: 'alpine', version: '3\.20', endOfLife: '2026-04-01', source: 'hand-written', url: 'https:\/\/alpinelinux\.org\/releases\/' \},/);
  });
});
