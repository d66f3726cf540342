import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { fastParse, NOT_FAST } from '../src/adapters/manifests/fast-yaml.js';
import { parseDocumentWithJsYaml, resolvePlain, splitDocuments } from '../src/adapters/manifests/yaml.js';
import { DOCUMENT_POSITIONS, keyPosition, locate, LOCATIONS } from '../src/core/model/location.js';
import { SHARED } from './support/paths.js';

/** Every entry's own recorded position (not an ancestor's), through either table form. */
function positions(root: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const flat = (root as { [DOCUMENT_POSITIONS]?: Float64Array })[DOCUMENT_POSITIONS] !== undefined;
  const walk = (node: unknown, path: (string | number)[]) => {
    if (node === null || typeof node !== 'object') return;
    const entries: Array<[string | number, unknown]> = Array.isArray(node) ? node.map((child, index) => [index, child]) : Object.entries(node);
    for (const [segment, child] of entries) {
      const childPath = [...path, segment];
      const own = flat
        ? true
        : Array.isArray(node)
          ? (node as { [LOCATIONS]?: number[] })[LOCATIONS]?.[segment as number] !== undefined
          : keyPosition(node, String(segment)) !== undefined;
      const found = locate(root, childPath).position;
      if (own && found) out.set(JSON.stringify(childPath), `${found.line}:${found.column}`);
      walk(child, childPath);
    }
  };
  walk(root, []);
  return out;
}

/** The fast path must agree with js-yaml on the value and on every position js-yaml records. */
function assertAgrees(text: string, lineBase = 0): boolean {
  const fast = fastParse(text, lineBase, resolvePlain);
  if (fast === NOT_FAST) return false;
  const reference = parseDocumentWithJsYaml(text, lineBase);
  assert.equal(reference.error, undefined, `fast path accepted what js-yaml rejects: ${reference.error?.message}\n${text}`);
  assert.deepEqual(JSON.parse(JSON.stringify(fast)), JSON.parse(JSON.stringify(reference.value)), text);
  const fastPositions = positions(fast);
  for (const [key, at] of positions(reference.value)) assert.equal(fastPositions.get(key), at, `position of ${key} in\n${text}`);
  return true;
}

describe('fast YAML path', () => {
  it('agrees with js-yaml on every document of the shared corpus, and takes most of them', () => {
    let fast = 0;
    let total = 0;
    for (const folder of ['kube-prometheus', 'microservices-demo']) {
      const directory = path.join(SHARED, 'corpus', folder);
      for (const file of readdirSync(directory).filter((name) => name.endsWith('.yaml'))) {
        for (const chunk of splitDocuments(readFileSync(path.join(directory, file), 'utf8'))) {
          total++;
          if (assertAgrees(chunk.text, chunk.startLine)) fast++;
        }
      }
    }
    assert.ok(total > 90);
    assert.ok(fast / total > 0.9, `only ${fast} of ${total} documents took the fast path`);
  });

  it('agrees with js-yaml on generated documents in every dump style', () => {
    const key = fc.oneof(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9./_-]{0,12}$/), fc.constantFrom('on', 'yes', 'n', '1', '0x1F', 'true', 'null', 'a b', 'a:b', 'a #b'));
    const text = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('', 'yes', 'No', '0644', '1e3', '.5', '-1', '+2', '0o17', '~', 'null', 'a: b', 'x #y', '- z', '#c', "it's", '"q"', 'multi\nline\n', 'trail\n\n', '  lead', 'tab\there', '[1]', '{a}', '* star', '& amp', '! bang', '|', '>', 'ünï', '100%', '@at', '`tick', 'a,b', 'key:', ':80'),
    );
    const scalar = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    const style = fc.record({
      flowLevel: fc.constantFrom(-1, -1, 1, 2),
      indent: fc.constantFrom(2, 4),
      noArrayIndent: fc.boolean(),
      quotingType: fc.constantFrom("'" as const, '"' as const),
      forceQuotes: fc.boolean(),
      lineWidth: fc.constantFrom(-1, 40),
    });
    let fast = 0;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }), style, (value, options) => {
        const dumped = jsyaml.dump(value, options);
        if (assertAgrees(dumped)) fast++;
        if (assertAgrees(`---\n${dumped}`, 10)) fast++;
      }),
      { numRuns: 1500 },
    );
    assert.ok(fast > 1000, `fast path taken ${fast} times`);
  });

  it('agrees on hand-written edge cases (or defers to js-yaml)', () => {
    const cases = [
      'a: 1\nb:\n- x\n- y\nc: 2\n',
      'a:\n  -\n    b: 1\n  - \n  -   c: 2\n      d: 3\n',
      'a: |\n  line 1\n\n  line 3\n\nb: |-\n    x\n     y\nc: |\nd: 1\n',
      'a: "esc \\" \\\\ \\n \\u00e9"\nb: \'it\'\'s\'\nc: "x" # comment\n',
      'a: [1, "two", {k: v, "q": [x, y]}, []]\nb: {}\nc: {a: 1, b}\n',
      'a: b # comment\n# full comment\n  # indented comment\nc: d#not-comment\n',
      'a: 1\r\nb:\r\n  c: 2\r\n',
      'on: yes\nno: off\n0644: 0644\n',
      'list:\n- - nested\n',
      'a: &anchor 1\nb: *anchor\n',
      'a: >\n  folded\n  text\n',
      'a: plain\n  continued\n',
      'a: 1\na: 2\n',
      'a:\tb\n',
      '? complex\n: value\n',
      'a: [1,\n  2]\n',
      '- top\n- level\n',
      'a: "\\x41"\n',
      'a: ["\\u12", x]\n',
      'a: {"k\\"q": "v\\u00e9"}\n',
      'url: http://example.com:8080/path\ntime: 12:30\n',
      '__proto__: {polluted: true}\nb: 1\n',
      '80: http\n443: https\nname: x\n',
    ];
    for (const text of cases) {
      const fast = fastParse(text, 0, resolvePlain);
      const reference = parseDocumentWithJsYaml(text, 0);
      if (reference.error) assert.equal(fast, NOT_FAST, `fast path accepted invalid YAML:\n${text}`);
      else assertAgrees(text);
    }
  });
});
