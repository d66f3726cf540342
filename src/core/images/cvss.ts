/**
 * CVSS v3.0, v3.1 and v4.0 vectors: parsed, and base scores computed as the FIRST
 * specifications define them (v3.x: section 7 formulas with each version's Roundup; v4.0:
 * MacroVector lookup and interpolation, section 8, including threat and environmental metrics
 * when the vector carries them). Pure.
 */

export type CvssVersion = '3.0' | '3.1' | '4.0';
export type CvssRating = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface CvssScore {
  version: CvssVersion;
  vector: string;
  score: number;
  rating: CvssRating;
}

export function ratingOf(score: number): CvssRating {
  if (score === 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}

const V3_METRICS: Record<string, string[]> = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'R'],
  S: ['U', 'C'],
  C: ['H', 'L', 'N'],
  I: ['H', 'L', 'N'],
  A: ['H', 'L', 'N'],
};
const V3_OPTIONAL = new Set(['E', 'RL', 'RC', 'CR', 'IR', 'AR', 'MAV', 'MAC', 'MPR', 'MUI', 'MS', 'MC', 'MI', 'MA']);

const V4_METRICS: Record<string, string[]> = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'],
  VI: ['H', 'L', 'N'],
  VA: ['H', 'L', 'N'],
  SC: ['H', 'L', 'N'],
  SI: ['H', 'L', 'N'],
  SA: ['H', 'L', 'N'],
};
const V4_OPTIONAL: Record<string, string[]> = {
  E: ['X', 'A', 'P', 'U'],
  CR: ['X', 'H', 'M', 'L'],
  IR: ['X', 'H', 'M', 'L'],
  AR: ['X', 'H', 'M', 'L'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MAT: ['X', 'N', 'P'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'P', 'A'],
  MVC: ['X', 'H', 'L', 'N'],
  MVI: ['X', 'H', 'L', 'N'],
  MVA: ['X', 'H', 'L', 'N'],
  MSC: ['X', 'H', 'L', 'N'],
  MSI: ['X', 'S', 'H', 'L', 'N'],
  MSA: ['X', 'S', 'H', 'L', 'N'],
  S: ['X', 'N', 'P'],
  AU: ['X', 'N', 'Y'],
  R: ['X', 'A', 'U', 'I'],
  V: ['X', 'D', 'C'],
  RE: ['X', 'L', 'M', 'H'],
  U: ['X', 'Clear', 'Green', 'Amber', 'Red'],
};

/** Splits `CVSS:3.1/AV:N/...` into its metrics; undefined when malformed, repeated or incomplete. */
function metricsOf(vector: string, prefix: string, required: Record<string, string[]>, optional: (name: string, value: string) => boolean): Map<string, string> | undefined {
  const parts = vector.trim().split('/');
  if (parts[0] !== prefix) return undefined;
  const metrics = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const [name, value, extra] = part.split(':');
    if (name === undefined || value === undefined || extra !== undefined || metrics.has(name)) return undefined;
    const allowed = required[name];
    if (allowed ? !allowed.includes(value) : !optional(name, value)) return undefined;
    metrics.set(name, value);
  }
  return Object.keys(required).every((name) => metrics.has(name)) ? metrics : undefined;
}

function roundUp30(value: number): number {
  return Math.ceil(value * 10) / 10;
}

/** CVSS v3.1 Appendix A Roundup: avoids floating-point artefacts such as 4.000000000000001 → 4.1. */
function roundUp31(value: number): number {
  const integer = Math.round(value * 100000);
  return integer % 10000 === 0 ? integer / 100000 : (Math.floor(integer / 10000) + 1) / 10;
}

export function scoreV3(vector: string): CvssScore | undefined {
  const version = vector.startsWith('CVSS:3.0/') ? '3.0' : vector.startsWith('CVSS:3.1/') ? '3.1' : undefined;
  if (!version) return undefined;
  const metrics = metricsOf(vector, `CVSS:${version}`, V3_METRICS, (name) => V3_OPTIONAL.has(name));
  if (!metrics) return undefined;
  const m = (name: string): string => metrics.get(name)!;
  const changed = m('S') === 'C';
  const attackVector = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 }[m('AV') as 'N'];
  const attackComplexity = m('AC') === 'L' ? 0.77 : 0.44;
  const privileges = { N: 0.85, L: changed ? 0.68 : 0.62, H: changed ? 0.5 : 0.27 }[m('PR') as 'N'];
  const interaction = m('UI') === 'N' ? 0.85 : 0.62;
  const impactOf = (value: string): number => (value === 'H' ? 0.56 : value === 'L' ? 0.22 : 0);
  const iss = 1 - (1 - impactOf(m('C'))) * (1 - impactOf(m('I'))) * (1 - impactOf(m('A')));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * attackVector * attackComplexity * privileges * interaction;
  const roundUp = version === '3.0' ? roundUp30 : roundUp31;
  const score = impact <= 0 ? 0 : roundUp(Math.min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10));
  return { version, vector, score, rating: ratingOf(score) };
}

/**
 * Scores of the 270 CVSS v4.0 MacroVectors (EQ1..EQ6), from the FIRST CVSS v4.0
 * specification's reference calculator (Copyright FIRST, Red Hat, and contributors;
 * BSD-2-Clause). Each entry is `macrovector:score`.
 */
const MACROVECTOR_SCORES: ReadonlyMap<string, number> = new Map(
  [
  "000000:10 000001:9.9 000010:9.8 000011:9.5 000020:9.5 000021:9.2 000100:10 000101:9.6 000110:9.3 000111:8.7",
  "000120:9.1 000121:8.1 000200:9.3 000201:9 000210:8.9 000211:8 000220:8.1 000221:6.8 001000:9.8 001001:9.5",
  "001010:9.5 001011:9.2 001020:9 001021:8.4 001100:9.3 001101:9.2 001110:8.9 001111:8.1 001120:8.1 001121:6.5",
  "001200:8.8 001201:8 001210:7.8 001211:7 001220:6.9 001221:4.8 002001:9.2 002011:8.2 002021:7.2 002101:7.9",
  "002111:6.9 002121:5 002201:6.9 002211:5.5 002221:2.7 010000:9.9 010001:9.7 010010:9.5 010011:9.2 010020:9.2",
  "010021:8.5 010100:9.5 010101:9.1 010110:9 010111:8.3 010120:8.4 010121:7.1 010200:9.2 010201:8.1 010210:8.2",
  "010211:7.1 010220:7.2 010221:5.3 011000:9.5 011001:9.3 011010:9.2 011011:8.5 011020:8.5 011021:7.3 011100:9.2",
  "011101:8.2 011110:8 011111:7.2 011120:7 011121:5.9 011200:8.4 011201:7 011210:7.1 011211:5.2 011220:5",
  "011221:3 012001:8.6 012011:7.5 012021:5.2 012101:7.1 012111:5.2 012121:2.9 012201:6.3 012211:2.9 012221:1.7",
  "100000:9.8 100001:9.5 100010:9.4 100011:8.7 100020:9.1 100021:8.1 100100:9.4 100101:8.9 100110:8.6 100111:7.4",
  "100120:7.7 100121:6.4 100200:8.7 100201:7.5 100210:7.4 100211:6.3 100220:6.3 100221:4.9 101000:9.4 101001:8.9",
  "101010:8.8 101011:7.7 101020:7.6 101021:6.7 101100:8.6 101101:7.6 101110:7.4 101111:5.8 101120:5.9 101121:5",
  "101200:7.2 101201:5.7 101210:5.7 101211:5.2 101220:5.2 101221:2.5 102001:8.3 102011:7 102021:5.4 102101:6.5",
  "102111:5.8 102121:2.6 102201:5.3 102211:2.1 102221:1.3 110000:9.5 110001:9 110010:8.8 110011:7.6 110020:7.6",
  "110021:7 110100:9 110101:7.7 110110:7.5 110111:6.2 110120:6.1 110121:5.3 110200:7.7 110201:6.6 110210:6.8",
  "110211:5.9 110220:5.2 110221:3 111000:8.9 111001:7.8 111010:7.6 111011:6.7 111020:6.2 111021:5.8 111100:7.4",
  "111101:5.9 111110:5.7 111111:5.7 111120:4.7 111121:2.3 111200:6.1 111201:5.2 111210:5.7 111211:2.9 111220:2.4",
  "111221:1.6 112001:7.1 112011:5.9 112021:3 112101:5.8 112111:2.6 112121:1.5 112201:2.3 112211:1.3 112221:0.6",
  "200000:9.3 200001:8.7 200010:8.6 200011:7.2 200020:7.5 200021:5.8 200100:8.6 200101:7.4 200110:7.4 200111:6.1",
  "200120:5.6 200121:3.4 200200:7 200201:5.4 200210:5.2 200211:4 200220:4 200221:2.2 201000:8.5 201001:7.5",
  "201010:7.4 201011:5.5 201020:6.2 201021:5.1 201100:7.2 201101:5.7 201110:5.5 201111:4.1 201120:4.6 201121:1.9",
  "201200:5.3 201201:3.6 201210:3.4 201211:1.9 201220:1.9 201221:0.8 202001:6.4 202011:5.1 202021:2 202101:4.7",
  "202111:2.1 202121:1.1 202201:2.4 202211:0.9 202221:0.4 210000:8.8 210001:7.5 210010:7.3 210011:5.3 210020:6",
  "210021:5 210100:7.3 210101:5.5 210110:5.9 210111:4 210120:4.1 210121:2 210200:5.4 210201:4.3 210210:4.5",
  "210211:2.2 210220:2 210221:1.1 211000:7.5 211001:5.5 211010:5.8 211011:4.5 211020:4 211021:2.1 211100:6.1",
  "211101:5.1 211110:4.8 211111:1.8 211120:2 211121:0.9 211200:4.6 211201:1.8 211210:1.7 211211:0.7 211220:0.8",
  "211221:0.2 212001:5.3 212011:2.4 212021:1.4 212101:2.4 212111:1.2 212121:0.5 212201:1 212211:0.3 212221:0.1",  ]
    .join(' ')
    .split(' ')
    .map((entry): [string, number] => {
      const [macro, score] = entry.split(':');
      return [macro!, Number(score)];
    }),
);

/** Metric value levels (severity distance from the most severe value, in steps of 0.1). */
const LEVELS: Record<string, Record<string, number>> = {
  AV: { N: 0, A: 0.1, L: 0.2, P: 0.3 },
  PR: { N: 0, L: 0.1, H: 0.2 },
  UI: { N: 0, P: 0.1, A: 0.2 },
  AC: { L: 0, H: 0.1 },
  AT: { N: 0, P: 0.1 },
  VC: { H: 0, L: 0.1, N: 0.2 },
  VI: { H: 0, L: 0.1, N: 0.2 },
  VA: { H: 0, L: 0.1, N: 0.2 },
  SC: { H: 0.1, L: 0.2, N: 0.3 },
  SI: { S: 0, H: 0.1, L: 0.2, N: 0.3 },
  SA: { S: 0, H: 0.1, L: 0.2, N: 0.3 },
  CR: { H: 0, M: 0.1, L: 0.2 },
  IR: { H: 0, M: 0.1, L: 0.2 },
  AR: { H: 0, M: 0.1, L: 0.2 },
  E: { U: 0.2, P: 0.1, A: 0 },
};

/** The most severe vectors of each EQ level (the specification's "highest severity vectors"). */
const MAX_COMPOSED = {
  eq1: [['AV:N/PR:N/UI:N'], ['AV:A/PR:N/UI:N', 'AV:N/PR:L/UI:N', 'AV:N/PR:N/UI:P'], ['AV:P/PR:N/UI:N', 'AV:A/PR:L/UI:P']],
  eq2: [['AC:L/AT:N'], ['AC:H/AT:N', 'AC:L/AT:P']],
  eq3eq6: [
    [['VC:H/VI:H/VA:H/CR:H/IR:H/AR:H'], ['VC:H/VI:H/VA:L/CR:M/IR:M/AR:H', 'VC:H/VI:H/VA:H/CR:M/IR:M/AR:M']],
    [
      ['VC:L/VI:H/VA:H/CR:H/IR:H/AR:H', 'VC:H/VI:L/VA:H/CR:H/IR:H/AR:H'],
      ['VC:L/VI:H/VA:L/CR:H/IR:M/AR:H', 'VC:L/VI:H/VA:H/CR:H/IR:M/AR:M', 'VC:H/VI:L/VA:H/CR:M/IR:H/AR:M', 'VC:H/VI:L/VA:L/CR:M/IR:H/AR:H', 'VC:L/VI:L/VA:H/CR:H/IR:H/AR:M'],
    ],
    [[], ['VC:L/VI:L/VA:L/CR:H/IR:H/AR:H']],
  ],
  eq4: [['SC:H/SI:S/SA:S'], ['SC:H/SI:H/SA:H'], ['SC:L/SI:L/SA:L']],
  eq5: [['E:A'], ['E:P'], ['E:U']],
};

/** Depth of each MacroVector level (maximal severity distance + 1), in steps. */
const MAX_SEVERITY = { eq1: [1, 4, 5], eq2: [1, 2], eq3eq6: [[7, 6], [8, 8], [0, 10]], eq4: [6, 5, 4] };

export function scoreV4(vector: string): CvssScore | undefined {
  const metrics = metricsOf(vector, 'CVSS:4.0', V4_METRICS, (name, value) => V4_OPTIONAL[name]?.includes(value) ?? false);
  if (!metrics) return undefined;
  // Effective values: X means the worst case for E and the requirements; M* overrides the base.
  const value = (name: string): string => {
    const given = metrics.get(name) ?? 'X';
    if (given === 'X' && name === 'E') return 'A';
    if (given === 'X' && (name === 'CR' || name === 'IR' || name === 'AR')) return 'H';
    const modified = metrics.get(`M${name}`);
    return modified !== undefined && modified !== 'X' ? modified : given;
  };
  if (['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every((name) => value(name) === 'N')) return { version: '4.0', vector, score: 0, rating: 'none' };

  const [av, pr, ui] = [value('AV'), value('PR'), value('UI')];
  const eq1 = av === 'N' && pr === 'N' && ui === 'N' ? 0 : (av === 'N' || pr === 'N' || ui === 'N') && av !== 'P' ? 1 : 2;
  const eq2 = value('AC') === 'L' && value('AT') === 'N' ? 0 : 1;
  const [vc, vi, va] = [value('VC'), value('VI'), value('VA')];
  const eq3 = vc === 'H' && vi === 'H' ? 0 : vc === 'H' || vi === 'H' || va === 'H' ? 1 : 2;
  const eq4 = value('SI') === 'S' || value('SA') === 'S' ? 0 : value('SC') === 'H' || value('SI') === 'H' || value('SA') === 'H' ? 1 : 2;
  const eq5 = { A: 0, P: 1, U: 2 }[value('E') as 'A'];
  const eq6 = (value('CR') === 'H' && vc === 'H') || (value('IR') === 'H' && vi === 'H') || (value('AR') === 'H' && va === 'H') ? 0 : 1;
  const macro = (levels: number[]): number => MACROVECTOR_SCORES.get(levels.join('')) ?? Number.NaN;
  const base = macro([eq1, eq2, eq3, eq4, eq5, eq6]);

  const lowerEq3eq6 =
    eq3 === 0 && eq6 === 0
      ? Math.max(macro([eq1, eq2, eq3, eq4, eq5, eq6 + 1]), macro([eq1, eq2, eq3 + 1, eq4, eq5, eq6]))
      : eq3 === 1 && eq6 === 0
        ? macro([eq1, eq2, eq3, eq4, eq5, eq6 + 1])
        : eq6 === 1 && eq3 < 2
          ? macro([eq1, eq2, eq3 + 1, eq4, eq5, eq6])
          : macro([eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1]);
  const lower = [macro([eq1 + 1, eq2, eq3, eq4, eq5, eq6]), macro([eq1, eq2 + 1, eq3, eq4, eq5, eq6]), lowerEq3eq6, macro([eq1, eq2, eq3, eq4 + 1, eq5, eq6]), macro([eq1, eq2, eq3, eq4, eq5 + 1, eq6])];

  // The first highest-severity vector of this MacroVector that is at least as severe in every metric.
  const level = (name: string, text: string): number => LEVELS[name]![value(name)]! - LEVELS[name]![new Map(text.split('/').map((part) => part.split(':') as [string, string])).get(name)!]!;
  let distances: Record<string, number> | undefined;
  for (const a of MAX_COMPOSED.eq1[eq1]!)
    for (const b of MAX_COMPOSED.eq2[eq2]!)
      for (const c of MAX_COMPOSED.eq3eq6[eq3]![eq6]!)
        for (const d of MAX_COMPOSED.eq4[eq4]!)
          for (const e of MAX_COMPOSED.eq5[eq5]!) {
            if (distances) continue;
            const text = [a, b, c, d, e].join('/');
            const candidate = Object.fromEntries(Object.keys(LEVELS).map((name) => [name, level(name, text)]));
            if (Object.values(candidate).every((distance) => distance >= 0)) distances = candidate;
          }
  if (!distances) return undefined;
  const d = distances;
  const current = [d.AV! + d.PR! + d.UI!, d.AC! + d.AT!, d.VC! + d.VI! + d.VA! + d.CR! + d.IR! + d.AR!, d.SC! + d.SI! + d.SA!, 0];
  const depth = [MAX_SEVERITY.eq1[eq1]!, MAX_SEVERITY.eq2[eq2]!, MAX_SEVERITY.eq3eq6[eq3]![eq6]!, MAX_SEVERITY.eq4[eq4]!, 1].map((steps) => steps * 0.1);
  let total = 0;
  let existing = 0;
  lower.forEach((lowerScore, index) => {
    const available = base - lowerScore;
    if (Number.isNaN(available)) return;
    existing++;
    total += available * (current[index]! / depth[index]!);
  });
  const mean = existing === 0 ? 0 : total / existing;
  const score = Math.round((Math.max(0, Math.min(10, base - mean)) + 1e-6) * 10) / 10;
  return { version: '4.0', vector, score, rating: ratingOf(score) };
}

/** Scores a v3.x or v4.0 vector; undefined for anything else (v2 vectors are not scored). */
export function scoreCvss(vector: string): CvssScore | undefined {
  return vector.startsWith('CVSS:4.0/') ? scoreV4(vector) : scoreV3(vector);
}
