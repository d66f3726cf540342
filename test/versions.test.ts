import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { VERSION_ORDERINGS, schemeForEcosystem } from '../src/core/images/versions/index.js';
import type { VersionScheme } from '../src/core/images/model.js';
import { dpkgVersion, pep440Version, rpmVersion } from './support/version-generators.js';
import { repoPath } from './support/paths.js';

const pick = (...items: string[]): fc.Arbitrary<string> => fc.constantFrom(...items);
const joined = (parts: fc.Arbitrary<string>[]): fc.Arbitrary<string> => fc.tuple(...parts).map((items) => items.join(''));
const optional = (arbitrary: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.oneof(fc.constant(''), arbitrary);
const small = fc.integer({ min: 0, max: 12 }).map(String);
const dotted = (min: number, max: number): fc.Arbitrary<string> => fc.array(small, { minLength: min, maxLength: max }).map((parts) => parts.join('.'));
const identifiers = fc.array(fc.oneof(small, pick('alpha', 'beta', 'rc', 'a1', 'x-y', 'B')), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
const semverText = joined([dotted(3, 3), optional(identifiers.map((pre) => `-${pre}`)), optional(pick('+build', '+1.2'))]);

/** Valid versions for each scheme, from small alphabets so that pairs often tie. */
const GENERATORS: Record<VersionScheme, fc.Arbitrary<string>> = {
  dpkg: dpkgVersion,
  rpm: rpmVersion,
  apk: joined([dotted(1, 3), optional(pick('a', 'b', 'z')), optional(fc.tuple(pick('_alpha', '_beta', '_pre', '_rc', '_cvs', '_git', '_p'), optional(small)).map((parts) => parts.join(''))), optional(small.map((n) => `-r${n}`))]),
  semver: semverText,
  npm: semverText,
  cargo: semverText,
  go: fc.oneof(semverText.map((v) => `v${v}`), joined([pick('v0.0.0-', 'v1.2.4-0.'), pick('20210101000000', '20220101000000'), pick('-abcdef123456', '-0123456789ab')]), pick('v1', 'v1.2', 'go1.21rc2', 'go1.21.3', 'v2.0.0+incompatible')),
  pep440: pep440Version,
  maven: joined([dotted(1, 3), optional(joined([pick('-', '.', ''), pick('alpha', 'beta', 'milestone', 'rc', 'cr', 'snapshot', 'ga', 'final', 'sp', 'foo', 'a', 'b', 'm', '0', '1', '2')])), optional(joined([pick('-', '.'), small]))]),
  rubygems: joined([dotted(1, 3), optional(joined([pick('.'), pick('a', 'b', 'pre', 'rc', 'beta')])), optional(joined([pick('.'), small])), optional(pick('-1', '-x'))]),
  nuget: joined([dotted(1, 4), optional(joined([pick('-'), identifiers])), optional(pick('+meta'))]),
  pub: semverText,
  composer: joined([optional(pick('v')), dotted(1, 4), optional(joined([pick('-', '', '.', '_'), pick('alpha', 'beta', 'RC', 'a', 'b', 'p', 'pl', 'patch', 'stable'), optional(small)])), optional(pick('-dev'))]),
};

describe('version ordering: total order laws (fast-check), every scheme', () => {
  for (const [scheme, arbitrary] of Object.entries(GENERATORS) as [VersionScheme, fc.Arbitrary<string>][]) {
    const { compare, valid } = VERSION_ORDERINGS[scheme];
    it(`${scheme}: generated versions are valid; reflexive, antisymmetric, transitive`, () => {
      fc.assert(fc.property(arbitrary, (a) => valid(a) && compare(a, a) === 0), { numRuns: 300 });
      fc.assert(fc.property(arbitrary, arbitrary, (a, b) => Math.sign(compare(a, b)) === -Math.sign(compare(b, a))), { numRuns: 1000 });
      fc.assert(
        fc.property(arbitrary, arbitrary, arbitrary, (a, b, c) => {
          const [x, y, z] = [a, b, c].sort(compare);
          return compare(x!, y!) <= 0 && compare(y!, z!) <= 0 && compare(x!, z!) <= 0;
        }),
        { numRuns: 1000 },
      );
      fc.assert(
        fc.property(arbitrary, arbitrary, arbitrary, (a, b, c) => compare(a, b) !== 0 || Math.sign(compare(a, c)) === Math.sign(compare(b, c))),
        { numRuns: 1000 },
      );
    });
  }
});

/** Known answers from each package manager's documentation and sources: [a, b, sign(a - b)]. */
const KNOWN: Record<VersionScheme, [string, string, number][]> = {
  dpkg: [['1.2.3-1~deb12u1', '1.2.3-1', -1], ['1.0', '1.0-0', 0], ['1:0.1', '2.0', 1], ['1.0~rc1', '1.0', -1], ['1.0a', '1.0+', -1], ['2.30-1', '2.4-1', 1]],
  rpm: [['10.0001-1', '10.1-1', 0], ['1.0~rc1-1', '1.0-1', -1], ['1.0^git1-1', '1.0-1', 1], ['1.0^git1-1', '1.0.1-1', -1], ['1:1.0-1', '2.0-1', 1], ['1.0a-1', '1.0-1', 1], ['1.a-1', '1.1-1', -1]],
  apk: [['1.2', '1.2_rc1', 1], ['1.2', '1.2_p1', -1], ['1.2-r1', '1.2-r01', 0], ['1.0_alpha', '1.0_beta', -1], ['1.0_rc2', '1.0_rc10', -1], ['1.2.3a', '1.2.3', 1], ['1.01', '1.1', -1], ['3.0.8-r0', '3.0.10-r0', -1]],
  semver: [['1.0.0-alpha', '1.0.0-alpha.1', -1], ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1], ['1.0.0-beta.2', '1.0.0-beta.11', -1], ['1.0.0-rc.1', '1.0.0', -1], ['1.0.0+build', '1.0.0', 0], ['2.0.0', '11.0.0', -1]],
  npm: [['v1.2.3', '1.2.3', 0], ['1.2.3-0', '1.2.3', -1]],
  cargo: [['0.9.0', '0.10.0', -1], ['1.0.0-alpha.1', '1.0.0-alpha', 1]],
  go: [['v0.0.0-20210101000000-abcdef123456', '0.0.1', -1], ['1.2.4-0.20210101000000-abcdef123456', '1.2.3', 1], ['v2.0.0+incompatible', '2.0.0', 0], ['go1.21rc2', '1.21.0', -1], ['v1.2', '1.2.0', 0], ['go1.21.3', '1.21.10', -1]],
  pep440: [['1.0.dev0', '1.0a0', -1], ['1.0a0', '1.0', -1], ['1.0a1.post1', '1.0a2', -1], ['1.0+local', '1.0', 1], ['1.0+abc', '1.0+5', -1], ['1!0.1', '2.0', 1], ['1.0-1', '1.0.post1', 0], ['1.0.0', '1.0', 0], ['1.0RC1', '1.0c1', 0], ['1.0.post0.dev1', '1.0.post0', -1], ['1.0', '1.0.post0.dev1', -1]],
  maven: [['1', '1.0', 0], ['1.0', '1-0', 0], ['1-alpha', '1-beta', -1], ['1-beta', '1-milestone', -1], ['1-milestone', '1-rc', -1], ['1-rc', '1-cr', 0], ['1-rc', '1-snapshot', -1], ['1-snapshot', '1', -1], ['1', '1-sp', -1], ['1-a1', '1-alpha-1', 0], ['1-sp', '1-1', -1], ['1.ga', '1', 0], ['1-foo', '1-sp', 1], ['1.1', '1-1', 1], ['1.0.0.RELEASE', '1.0.0', 0]],
  rubygems: [['1.0.a', '1.0', -1], ['1.0', '1', 0], ['1.0.0.pre', '1.0.0.beta', 1], ['1.0-1', '1.0.pre.1', 0], ['1.0.b1', '1.0.a2', 1], ['1.9.3', '1.10.0', -1]],
  nuget: [['1.0', '1.0.0.0', 0], ['1.0.0-ALPHA', '1.0.0-alpha', 0], ['1.0.0-alpha', '1.0.0', -1], ['1.0.0-1', '1.0.0-a', -1], ['1.0.0.1', '1.0.0', 1], ['1.0.0+abc', '1.0.0', 0]],
  // pub_semver orders build metadata (a build sorts after no build, then part by part).
  pub: [['1.2.3+1', '1.2.3+2', -1], ['1.0.0', '1.0.0+1', -1], ['1.0.0+1', '1.0.0+01', 0], ['1.0.0-rc.1+build.1', '1.0.0', -1], ['1.3.7+build.2.b8f12d7', '1.3.7+build.11.e0f985a', -1], ['1.0.0+a', '1.0.0+1', 1], ['1.0.0+1.1', '1.0.0+1', 1]],
  composer: [['1.0.0-beta2', '1.0.0', -1], ['v1.0', '1.0.0.0', 0], ['1.0-dev', '1.0-alpha', -1], ['1.0-p1', '1.0', 1], ['1.0RC1', '1.0-beta', 1], ['1.0.0-alpha1', '1.0.0-a1', 0], ['2.0.0', '10.0.0', -1]],
};

describe('version ordering: known answers from the package managers', () => {
  for (const [scheme, cases] of Object.entries(KNOWN) as [VersionScheme, [string, string, number][]][]) {
    it(scheme, () => {
      for (const [a, b, expected] of cases) {
        assert.equal(Math.sign(VERSION_ORDERINGS[scheme].compare(a, b)), expected, `${a} vs ${b}`);
        assert.equal(Math.sign(VERSION_ORDERINGS[scheme].compare(b, a)), -expected || 0, `${b} vs ${a}`);
      }
    });
  }

  it('pub: the ordering of pub_semver\'s own comparison test, every pair', () => {
    // pub_semver test/version_test.dart, "comparison": each version is less than the ones after it.
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0-rc.1+build.1', '1.0.0', '1.0.0+0.3.7', '1.3.7+build', '1.3.7+build.2.b8f12d7', '1.3.7+build.11.e0f985a', '2.0.0', '2.1.0', '2.2.0', '2.11.0', '2.11.1'];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) assert.equal(Math.sign(VERSION_ORDERINGS.pub.compare(ordered[i]!, ordered[j]!)), Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}`);
    }
  });

  it('numeric segments beyond 2^53 compare exactly', () => {
    // 9007199254740993 = 2^53 + 1 is the same double as 2^53: compared as numbers these tie.
    const big: [VersionScheme, string, string][] = [
      ['rubygems', '1.9007199254740993', '1.9007199254740992'],
      ['pep440', '1.9007199254740993', '1.9007199254740992'],
      ['pep440', '1.0.post9007199254740993', '1.0.post9007199254740992'],
      ['pep440', '1.0+9007199254740993', '1.0+9007199254740992'],
      ['composer', '1.9007199254740993', '1.9007199254740992'],
      ['apk', '1.9007199254740993', '1.9007199254740992'],
      ['apk', '1.0-r9007199254740993', '1.0-r9007199254740992'],
      ['pub', '1.0.0+9007199254740993', '1.0.0+9007199254740992'],
      ['pub', '1.0.0-9007199254740993', '1.0.0-9007199254740992'],
    ];
    for (const [scheme, greater, lesser] of big) {
      assert.equal(Math.sign(VERSION_ORDERINGS[scheme].compare(greater, lesser)), 1, `${scheme}: ${greater} > ${lesser}`);
      assert.equal(Math.sign(VERSION_ORDERINGS[scheme].compare(lesser, greater)), -1, `${scheme}: ${lesser} < ${greater}`);
    }
    assert.equal(VERSION_ORDERINGS.rubygems.compare('1.09007199254740993', '1.9007199254740993'), 0);
  });

  it('refuses what the package manager refuses', () => {
    const invalid: [VersionScheme, string][] = [['dpkg', '1.0:1'], ['dpkg', ''], ['dpkg', 'a:1.0'], ['rpm', '1.0 1'], ['apk', '1.0_foo'], ['apk', 'x1'], ['semver', '1.2'], ['semver', '01.2.3'], ['go', 'v1.2.3.4'], ['pep440', '1.0-foo'], ['nuget', '1.2.3.4.5'], ['rubygems', '1..0'], ['composer', 'dev-feature'], ['maven', ''], ['pub', '1.2'], ['pub', 'v1.2.3']];
    for (const [scheme, version] of invalid) {
      assert.equal(VERSION_ORDERINGS[scheme].valid(version), false, `${scheme} ${version}`);
      assert.throws(() => VERSION_ORDERINGS[scheme].compare(version, version), new RegExp(`"${version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`));
    }
  });

  it('maps OSV ecosystems to schemes', () => {
    const expected: [string, VersionScheme | undefined][] = [['Debian:12', 'dpkg'], ['Ubuntu:22.04:LTS', 'dpkg'], ['Alpine:v3.20', 'apk'], ['Rocky Linux:9', 'rpm'], ['Red Hat', 'rpm'], ['Go', 'go'], ['crates.io', 'cargo'], ['PyPI', 'pep440'], ['Maven', 'maven'], ['npm', 'npm'], ['RubyGems', 'rubygems'], ['NuGet', 'nuget'], ['Packagist', 'composer'], ['Pub', 'pub'], ['Unknown', undefined]];
    for (const [ecosystem, scheme] of expected) assert.equal(schemeForEcosystem(ecosystem), scheme, ecosystem);
  });
});

describe('Go module versions against golang.org/x/mod/semver (recorded)', () => {
  it('agrees on validity and order for every recorded pair (test/oracles/go-semver/record.sh)', () => {
    const records = readFileSync(repoPath('test/fixtures/go-semver.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { a: string; b: string; validA: boolean; validB: boolean; compare: number });
    assert.equal(records.length, 5000);
    const { valid, compare } = VERSION_ORDERINGS.go;
    let compared = 0;
    for (const record of records) {
      assert.equal(valid(record.a), record.validA, record.a);
      assert.equal(valid(record.b), record.validB, record.b);
      if (!record.validA || !record.validB) continue;
      compared++;
      assert.equal(Math.sign(compare(record.a, record.b)), record.compare, `${record.a} vs ${record.b}`);
    }
    assert.ok(compared > 1500, `${compared} valid pairs`);
  });
});
