import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ratingOf, scoreCvss, scoreV3, scoreV4 } from '../src/core/images/cvss.js';
import { repoPath } from './support/paths.js';

describe('CVSS v3.x base scores', () => {
  // Scores as NVD and the FIRST v3.1 calculator publish them.
  const known: [string, number][] = [
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8], // the common "critical"
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0], // CVE-2021-44228, Log4Shell
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5], // CVE-2014-0160, Heartbleed (as rescored in 3.x)
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1], // the typical reflected XSS
    ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:N/I:H/A:N', 4.9], // RUSTSEC-2025-0041 states 4.9
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8], // local privilege escalation
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', 8.1],
    ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 1.6],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
    ['CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', 6.4],
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/E:P/RL:O/RC:C', 6.4], // temporal metrics do not change the base
  ];
  for (const [vector, score] of known) {
    it(`${vector} = ${score}`, () => {
      const result = scoreV3(vector);
      assert.equal(result?.score, score);
      assert.equal(result?.rating, ratingOf(score));
    });
  }

  it('refuses malformed, incomplete and repeated metrics', () => {
    for (const vector of ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:2.0/AV:N', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1']) {
      assert.equal(scoreCvss(vector), undefined, vector);
    }
  });
});

describe('CVSS v4.0 scores', () => {
  it('FIRST specification examples', () => {
    assert.equal(scoreV4('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H')?.score, 10);
    assert.equal(scoreV4('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')?.score, 9.3);
    assert.equal(scoreV4('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N')?.score, 6.9);
    assert.equal(scoreV4('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N')?.score, 0);
    assert.equal(scoreV4('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U')?.score, 8.1, 'threat metric lowers the score (reference calculator)');
  });

  it('agrees with the FIRST reference calculator on every v4.0 vector of the real advisories', () => {
    const recorded = JSON.parse(readFileSync(repoPath('test/fixtures/vulndb/cvss-v4-reference.json'), 'utf8')) as { vectors: [string, number][] };
    assert.ok(recorded.vectors.length >= 30);
    for (const [vector, score] of recorded.vectors) assert.equal(scoreV4(vector)?.score, score, vector);
  });

  it('refuses malformed vectors', () => {
    for (const vector of ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:S/SA:H', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H']) {
      assert.equal(scoreCvss(vector), undefined, vector);
    }
  });
});
