/**
 * dpkg and rpm ordering against the real tools, on generated pairs: `dpkg
 * --compare-versions` (one shell loop for all pairs) and librpm's `rpm.labelCompare`
 * (one Debian python3 process for all pairs), and PEP 440 against packaging.version (pip's
 * reference). scripts/provision.sh installs python3-rpm and python3-packaging.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as dpkg from '../src/core/images/versions/dpkg.js';
import * as pep440 from '../src/core/images/versions/pep440.js';
import * as rpm from '../src/core/images/versions/rpm.js';
import { dpkgVersion, nearPairs, pep440Version, rpmVersion } from './support/version-generators.js';

const DPKG_PAIRS = 2000;
const RPM_PAIRS = 20000;
const PEP440_PAIRS = 20000;

function disagreements(pairs: [string, string][], expected: number[], compare: (a: string, b: string) => number): string[] {
  const wrong: string[] = [];
  pairs.forEach(([a, b], index) => {
    const ours = Math.sign(compare(a, b));
    if (ours !== expected[index]) wrong.push(`${a} vs ${b}: oracle ${expected[index]}, ours ${ours}`);
  });
  return wrong;
}

describe('version ordering oracles', () => {
  it(`dpkg: ${DPKG_PAIRS} generated pairs agree with dpkg --compare-versions`, () => {
    const pairs = fc.sample(nearPairs(dpkgVersion, '0159a~.+-'), { numRuns: DPKG_PAIRS, seed: 6 }).filter(([a, b]) => dpkg.valid(a) && dpkg.valid(b));
    assert.ok(pairs.length > DPKG_PAIRS * 0.9, `only ${pairs.length} valid pairs`);
    // Two worker shells (the machine has two cores); each prints "index result" lines.
    const script = `while read -r i a b; do
      if dpkg --compare-versions "$a" lt "$b"; then echo "$i -1";
      elif dpkg --compare-versions "$a" eq "$b"; then echo "$i 0";
      else echo "$i 1"; fi
    done`;
    const input = pairs.map(([a, b], index) => `${index} ${a} ${b}`);
    const halves = [input.filter((_, index) => index % 2 === 0), input.filter((_, index) => index % 2 === 1)];
    const expected: number[] = [];
    const results = halves.map((lines) => spawnSync('bash', ['-c', script], { input: `${lines.join('\n')}\n`, encoding: 'utf8' }));
    for (const result of results) {
      assert.equal(result.status, 0, result.stderr);
      for (const line of result.stdout.trim().split('\n')) {
        const [index, value] = line.split(' ');
        expected[Number(index)] = Number(value);
      }
    }
    assert.equal(expected.filter((value) => value !== undefined).length, pairs.length);
    assert.deepEqual(disagreements(pairs, expected, dpkg.compare), []);
    const outcomes = new Set(expected);
    assert.deepEqual([...outcomes].sort(), [-1, 0, 1], 'the generated pairs cover less, equal and greater');
  });

  it(`rpm: ${RPM_PAIRS} generated pairs agree with librpm's labelCompare`, () => {
    const pairs = fc.sample(nearPairs(rpmVersion, '0019a~^.'), { numRuns: RPM_PAIRS, seed: 6 }).filter(([a, b]) => rpm.valid(a) && rpm.valid(b));
    const program = `
import sys, rpm
def evr(text):
    epoch, _, rest = text.rpartition(':')
    version, _, release = rest.rpartition('-')
    return (epoch or '0', version, release)
out = []
for line in sys.stdin:
    a, b = line.split()
    out.append(str(rpm.labelCompare(evr(a), evr(b))))
print('\\n'.join(out))
`;
    const result = spawnSync('/usr/bin/python3', ['-c', program], { input: `${pairs.map((pair) => pair.join(' ')).join('\n')}\n`, encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(result.status, 0, `${result.stderr}\n(python3-rpm missing? run bash scripts/provision.sh)`);
    const expected = result.stdout.trim().split('\n').map(Number);
    assert.equal(expected.length, pairs.length);
    assert.deepEqual(disagreements(pairs, expected, rpm.compare).slice(0, 20), []);
    assert.deepEqual([...new Set(expected)].sort(), [-1, 0, 1]);
  });

  it(`PEP 440: ${PEP440_PAIRS} generated pairs agree with packaging.version`, () => {
    const pairs = fc.sample(fc.tuple(pep440Version, pep440Version), { numRuns: PEP440_PAIRS, seed: 6 });
    const program = `
import sys
from packaging.version import Version
out = []
for line in sys.stdin:
    a, b = (Version(text) for text in line.split())
    out.append(str((a > b) - (a < b)))
print('\\n'.join(out))
`;
    const result = spawnSync('/usr/bin/python3', ['-c', program], { input: `${pairs.map((pair) => pair.join(' ')).join('\n')}\n`, encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(result.status, 0, `${result.stderr}\n(python3-packaging missing? run bash scripts/provision.sh)`);
    const expected = result.stdout.trim().split('\n').map(Number);
    assert.equal(expected.length, pairs.length);
    assert.deepEqual(disagreements(pairs, expected, pep440.compare).slice(0, 20), []);
    assert.deepEqual([...new Set(expected)].sort(), [-1, 0, 1]);
  });

  it('PEP 440: numbers beyond 2^53 in every numeric field agree with packaging.version', () => {
    const big = '9007199254740993';
    const near = '9007199254740992';
    const pairs: [string, string][] = [
      [`1.${big}`, `1.${near}`], [`${big}!1.0`, `${near}!1.0`], [`1.0a${big}`, `1.0a${near}`], [`1.0.post${big}`, `1.0.post${near}`],
      [`1.0.dev${big}`, `1.0.dev${near}`], [`1.0+${big}`, `1.0+${near}`], [`1.0+${big}`, `1.0+0${big}`], [`1.${big}0`, `1.${big}`],
    ];
    const program = `
import sys
from packaging.version import Version
for line in sys.stdin:
    a, b = (Version(text) for text in line.split())
    print((a > b) - (a < b))
`;
    const result = spawnSync('/usr/bin/python3', ['-c', program], { input: `${pairs.map((pair) => pair.join(' ')).join('\n')}\n`, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const expected = result.stdout.trim().split('\n').map(Number);
    assert.deepEqual(disagreements(pairs, expected, pep440.compare), []);
    assert.ok(expected.includes(1), 'the oracle tells the big numbers apart');
  });
});
