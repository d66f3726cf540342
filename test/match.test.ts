import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { PackageAdvisory, VersionRange } from '../src/core/images/advisory.js';
import { evaluateRange, matchIdentity, matchPackages, type PackageKey } from '../src/core/images/match.js';
import type { InstalledPackage } from '../src/core/images/model.js';
import { normalizePackageName } from '../src/core/images/names.js';
import { VERSION_ORDERINGS } from '../src/core/images/versions/index.js';

const semver = VERSION_ORDERINGS.semver;

function advisory(partial: Partial<PackageAdvisory> & Pick<PackageAdvisory, 'id' | 'ecosystem' | 'name'>): PackageAdvisory {
  return { feed: 'osv', aliases: [], severity: [], ranges: [], versions: [], ...partial };
}

function match(pkg: InstalledPackage, advisories: PackageAdvisory[]): ReturnType<typeof matchPackages> {
  return matchPackages([pkg], (key: PackageKey) => advisories.filter((item) => item.ecosystem === key.ecosystem && normalizePackageName(item.ecosystem, item.name) === key.name));
}

const npm = (name: string, version: string): InstalledPackage => ({ ecosystem: 'npm', scheme: 'npm', name, version, path: `node_modules/${name}/package.json` });

describe('OSV range evaluation', () => {
  const range = (...events: VersionRange['events']): VersionRange => ({ type: 'SEMVER', events });

  it('introduced/fixed pairs, in any order, with the next fix above the version', () => {
    const pairs = range({ fixed: '2.0.0' }, { introduced: '1.5.0' }, { introduced: '0' }, { fixed: '1.2.0' });
    assert.deepEqual(evaluateRange(pairs, '1.0.0', semver), { affected: true, fixed: '1.2.0' });
    assert.deepEqual(evaluateRange(pairs, '1.2.0', semver), { affected: false });
    assert.deepEqual(evaluateRange(pairs, '1.4.9', semver), { affected: false });
    assert.deepEqual(evaluateRange(pairs, '1.5.0', semver), { affected: true, fixed: '2.0.0' });
    assert.deepEqual(evaluateRange(pairs, '2.0.0', semver), { affected: false });
  });

  it('last_affected is inclusive, limit caps', () => {
    assert.deepEqual(evaluateRange(range({ introduced: '1.0.0' }, { last_affected: '1.3.0' }), '1.3.0', semver), { affected: true });
    assert.deepEqual(evaluateRange(range({ introduced: '1.0.0' }, { last_affected: '1.3.0' }), '1.3.1', semver), { affected: false });
    assert.deepEqual(evaluateRange(range({ introduced: '0' }, { limit: '3.0.0' }), '2.9.9', semver), { affected: true });
    assert.deepEqual(evaluateRange(range({ introduced: '0' }, { limit: '3.0.0' }), '3.0.0', semver), { affected: false });
    assert.deepEqual(evaluateRange(range({ introduced: '0' }), '99.0.0', semver), { affected: true });
  });

  it('agrees with the definition on generated introduced < fixed pairs (fast-check)', () => {
    const version = fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.option(fc.constantFrom('alpha', 'rc.1'), { nil: undefined })).map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`);
    fc.assert(
      fc.property(version, version, version, (x, y, v) => {
        const [low, high] = semver.compare(x, y) <= 0 ? [x, y] : [y, x];
        const verdict = evaluateRange(range({ introduced: low }, { fixed: high }), v, semver);
        return verdict.affected === (semver.compare(v, low) >= 0 && semver.compare(v, high) < 0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('matching', () => {
  it('an explicit versions list matches without ranges; other versions do not', () => {
    const listed = advisory({ id: 'GHSA-aaaa-bbbb-cccc', ecosystem: 'npm', name: 'Left-Pad', versions: ['1.0.0', '1.0.1'] });
    assert.deepEqual(match(npm('left-pad', '1.0.1'), [listed]).findings.map((finding) => [finding.id, finding.status]), [['GHSA-aaaa-bbbb-cccc', 'no-fix-yet']]);
    assert.deepEqual(match(npm('left-pad', '1.0.2'), [listed]).findings, []);
  });

  it('reports versions that do not parse as problems, never as findings, and goes on', () => {
    const bad = advisory({ id: 'X-1', ecosystem: 'npm', name: 'a', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: 'not-a-version' }] }] });
    const result = match(npm('a', '1.0.0'), [bad, advisory({ id: 'X-2', ecosystem: 'npm', name: 'a', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] })]);
    assert.deepEqual(result.findings.map((finding) => finding.id), ['X-2']);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]!.message, /invalid semantic version "not-a-version"/);
    const invalidInstalled = match(npm('a', 'latest'), [bad]);
    assert.deepEqual(invalidInstalled.findings, []);
    assert.match(invalidInstalled.problems[0]!.message, /"latest" is not a valid npm version/);
  });

  it('merges the same vulnerability from two advisories (shared alias), keeping the one with a fix', () => {
    const github = advisory({ id: 'GHSA-1111-2222-3333', aliases: ['CVE-2024-0001'], ecosystem: 'PyPI', name: 'Requests', databaseSeverity: 'MODERATE', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] });
    const pypa = advisory({ id: 'PYSEC-2024-1', aliases: ['CVE-2024-0001'], ecosystem: 'PyPI', name: 'requests', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.32.0' }] }] });
    const { findings } = match({ ecosystem: 'PyPI', scheme: 'pep440', name: 'requests', version: '2.31.0', path: 'METADATA' }, [github, pypa]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.id, 'PYSEC-2024-1');
    assert.deepEqual(findings[0]!.aliases, ['CVE-2024-0001', 'GHSA-1111-2222-3333']);
    assert.equal(findings[0]!.fixedVersion, '2.32.0');
  });

  it('severity: vendor rating for OS packages, else CVSS (v3 before v4), else the database rating', () => {
    const cvss = [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N' }];
    const open = [{ type: 'ECOSYSTEM' as const, events: [{ introduced: '0' }] }];
    const os = match({ ecosystem: 'Debian:12', scheme: 'dpkg', name: 'curl', version: '7.88.1-10', path: 'var/lib/dpkg/status' }, [advisory({ id: 'CVE-1', ecosystem: 'Debian:12', name: 'curl', severity: cvss, vendorSeverity: 'low', ranges: open })]);
    assert.deepEqual([os.findings[0]!.severity.level, os.findings[0]!.severity.from], ['low', 'vendor']);
    assert.deepEqual(os.findings[0]!.severity.cvss.map((score) => [score.version, score.score]), [['3.1', 9.8], ['4.0', 6.9]]);
    const language = match(npm('a', '1.0.0'), [advisory({ id: 'A', ecosystem: 'npm', name: 'a', severity: cvss, databaseSeverity: 'LOW', ranges: open })]);
    assert.deepEqual([language.findings[0]!.severity.level, language.findings[0]!.severity.from], ['critical', 'cvss']);
    const v4only = match(npm('a', '1.0.0'), [advisory({ id: 'A', ecosystem: 'npm', name: 'a', severity: [cvss[1]!], ranges: open })]);
    assert.equal(v4only.findings[0]!.severity.level, 'medium');
    const database = match(npm('a', '1.0.0'), [advisory({ id: 'A', ecosystem: 'npm', name: 'a', databaseSeverity: 'MODERATE', ranges: open })]);
    assert.deepEqual([database.findings[0]!.severity.level, database.findings[0]!.severity.from], ['medium', 'database']);
  });

  it('severity: an advisory without a rating takes the CVSS of a record its id or aliases name in the database', () => {
    const go: InstalledPackage = { ecosystem: 'Go', scheme: 'go', name: 'golang.org/x/text', version: 'v0.3.7', path: 'app' };
    const unrated = advisory({ id: 'GO-2022-1059', aliases: ['CVE-2022-32149', 'GHSA-69ch-w2m2-3vjp'], ecosystem: 'Go', name: 'golang.org/x/text', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.3.8' }] }] });
    const rated = advisory({ id: 'GHSA-69ch-w2m2-3vjp', aliases: ['CVE-2022-32149'], ecosystem: 'Go', name: 'golang.org/x/text/language', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }] });
    const related = (ids: readonly string[]) => [rated, unrated].filter((item) => ids.includes(item.id));
    const found = matchPackages([go], () => [unrated], { relatedAdvisories: related }).findings[0];
    assert.deepEqual([found?.severity.level, found?.severity.from, found?.severity.via, found?.severity.cvss[0]?.score], ['high', 'cvss', 'GHSA-69ch-w2m2-3vjp', 7.5]);
    // Without related records it stays unknown.
    assert.equal(matchPackages([go], () => [unrated]).findings[0]?.severity.level, 'unknown');
    // A record that names none of the finding's ids itself but shares an alias with it (PYSEC vs GO) rates it too.
    const sharing = advisory({ id: 'PYSEC-2022-1', aliases: ['CVE-2022-32149'], ecosystem: 'PyPI', name: 'other', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }] });
    const viaAlias = matchPackages([go], () => [unrated], { relatedAdvisories: () => [sharing] }).findings[0];
    assert.deepEqual([viaAlias?.severity.level, viaAlias?.severity.via], ['critical', 'PYSEC-2022-1']);
    const unrelated = { ...sharing, aliases: ['CVE-2099-1'] };
    assert.equal(matchPackages([go], () => [unrated], { relatedAdvisories: () => [unrelated] }).findings[0]?.severity.level, 'unknown');
  });

  it('rpm: the source RPM file name gives the source package; the binary epoch carries over', () => {
    const pkg: InstalledPackage = { ecosystem: 'Rocky Linux:9', scheme: 'rpm', name: 'openssl-libs', version: '1:3.0.7-25.el9_3', sourceName: 'openssl-3.0.7-25.el9_3.src.rpm', path: 'var/lib/rpm/rpmdb.sqlite' };
    assert.deepEqual(matchIdentity(pkg), { key: { ecosystem: 'Rocky Linux:9', name: 'openssl' }, version: '1:3.0.7-25.el9_3' });
    const fixed = advisory({ id: 'RLSA-2024:1', ecosystem: 'Rocky Linux:9', name: 'openssl', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:3.0.7-27.el9' }] }] });
    assert.equal(match(pkg, [fixed]).findings[0]?.fixedVersion, '1:3.0.7-27.el9');
  });

  it('names: PEP 503, Maven group:artifact, npm case, Go paths exact', () => {
    assert.equal(normalizePackageName('PyPI', 'Zope.Interface__x'), 'zope-interface-x');
    assert.equal(normalizePackageName('Maven', 'org.apache.logging.log4j/log4j-core'), 'org.apache.logging.log4j:log4j-core');
    assert.equal(normalizePackageName('npm', '@Types/Node'), '@types/node');
    assert.equal(normalizePackageName('Go', 'github.com/BurntSushi/toml'), 'github.com/BurntSushi/toml');
  });
});
