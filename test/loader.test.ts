import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { loadText } from '../src/adapters/manifests/documents.js';
import { parseStream, splitDocuments } from '../src/adapters/manifests/yaml.js';
import { locate } from '../src/core/model/location.js';
import { binaryReason, loadSources } from '../src/adapters/manifests/files.js';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './support/temp.js';

describe('YAML with positions', () => {
  it('locates keys and sequence items exactly, in block and flow style', () => {
    const text = [
      'apiVersion: v1', // 1
      'kind: Pod', // 2
      'metadata: {name: p, labels: {app: web}}', // 3
      'spec:', // 4
      '  containers:', // 5
      '  - name: a', // 6
      '    image: x', // 7
      '  -   name: b', // 8
      '      securityContext:', // 9
      '        "privileged": true', // 10
      '      ports: [{containerPort: 80}, {containerPort: 22}]', // 11
    ].join('\n');
    const [document] = parseStream(text);
    const value = document!.value;
    assert.deepEqual(locate(value, ['kind']).position, { line: 2, column: 1 });
    assert.deepEqual(locate(value, ['metadata', 'labels', 'app']).position, { line: 3, column: 30 });
    assert.deepEqual(locate(value, ['spec', 'containers', 0]).position, { line: 6, column: 5 });
    assert.deepEqual(locate(value, ['spec', 'containers', 1]).position, { line: 8, column: 7 });
    assert.deepEqual(locate(value, ['spec', 'containers', 1, 'securityContext', 'privileged']).position, { line: 10, column: 9 });
    assert.deepEqual(locate(value, ['spec', 'containers', 1, 'ports', 1, 'containerPort']).position, { line: 11, column: 37 });
  });

  it('points a missing field at its nearest present parent', () => {
    const [document] = parseStream('kind: Pod\nspec:\n  containers:\n    - name: a\n');
    const found = locate(document!.value, ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot']);
    assert.deepEqual(found.position, { line: 4, column: 7 });
    assert.equal(found.resolvedDepth, 3);
  });

  it('keeps absolute lines across documents and ignores comment-only documents', () => {
    const text = '# header\n---\nkind: A\n---\n# only a comment\n---\n\nkind: B\nx: 1\n';
    const documents = parseStream(text);
    assert.equal(documents.length, 2);
    assert.deepEqual(locate(documents[1]!.value, ['x']).position, { line: 9, column: 1 });
    assert.equal(documents[1]!.index, 1);
  });

  it('does not split at --- inside a block scalar or mid-line', () => {
    const chunks = splitDocuments('a: |\n  ---\n  text\nb: "x --- y"\n---\nc: 1\n');
    assert.equal(chunks.length, 2);
  });

  it('resolves scalars as Kubernetes (YAML 1.1) does', () => {
    const [document] = parseStream('a: yes\nb: off\nc: 0644\nd: 0x1F\ne: 2024-01-01\nf: ~\ng: "yes"\nh: 1_000\ni: 1.5\nj: .inf\n');
    assert.deepEqual(JSON.parse(JSON.stringify(document!.value, (_k, v) => (v === Infinity ? 'Infinity' : v))), { a: true, b: false, c: 420, d: 31, e: '2024-01-01', f: null, g: 'yes', h: 1000, i: 1.5, j: 'Infinity' });
  });

  it('agrees with js-yaml on values for generated documents (positions do not change values)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    const scalar = fc.oneof(fc.integer({ min: 0, max: 1e6 }), fc.stringMatching(/^[a-z][a-z ]{0,10}[a-z]$/), fc.constant(null), fc.boolean());
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }), fc.boolean(), (value, flow) => {
        const text = jsyaml.dump(value, { flowLevel: flow ? 1 : -1 });
        const [document] = parseStream(text);
        assert.deepEqual(JSON.parse(JSON.stringify(document!.value)), JSON.parse(JSON.stringify(jsyaml.load(text))));
      }),
      { numRuns: 300 },
    );
  });

  it('every recorded key position points at that key in the text', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }), fc.boolean(), (value, flow) => {
        const text = jsyaml.dump(value, { flowLevel: flow ? 2 : -1 });
        const lines = text.split('\n');
        const [document] = parseStream(text);
        const walk = (node: unknown, path: (string | number)[]) => {
          if (node === null || typeof node !== 'object') return;
          for (const [k, child] of Object.entries(node)) {
            const segment = Array.isArray(node) ? Number(k) : k;
            const childPath = [...path, segment];
            const { position } = locate(document!.value, childPath);
            assert.ok(position, `no position for ${childPath.join('.')}`);
            if (!Array.isArray(node)) {
              const at = lines[position.line - 1]!.slice(position.column - 1);
              assert.ok(at.startsWith(k) || at.startsWith(`'${k}'`) || at.startsWith(`"${k}"`), `${childPath.join('.')} at ${position.line}:${position.column} is "${at}"`);
            }
            walk(child, childPath);
          }
        };
        walk(document!.value, []);
      }),
      { numRuns: 300 },
    );
  });
});

describe('loading manifests', () => {
  it('reports a syntax error with file, line and column and keeps every other document', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: c}\n';
    const result = loadText(text, 'bundle.yaml');
    assert.deepEqual(result.resources.map((resource) => resource.ref.name), ['a', 'c']);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0]!.file, 'bundle.yaml');
    assert.equal(result.errors[0]!.code, 'yaml-syntax');
    assert.equal(result.errors[0]!.document, 1);
    assert.ok(result.errors[0]!.line! >= 8 && result.errors[0]!.line! <= 9, `line ${result.errors[0]!.line}`);
  });

  it('reports duplicate keys at their line', () => {
    const result = loadText('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n', 'dup.yaml');
    assert.equal(result.errors[0]?.line, 5);
    assert.match(result.errors[0]!.message, /duplicated mapping key/);
  });

  it('skips documents without apiVersion or kind, and non-mappings, saying why', () => {
    const result = loadText('foo: bar\n---\n- a\n- b\n---\nkind: Pod\n', 'x.yaml');
    assert.equal(result.resources.length, 0);
    assert.deepEqual(
      result.skipped.map((item) => [item.document, item.line, item.reason]),
      [
        [0, 1, 'no apiVersion and kind: not a Kubernetes object'],
        [1, 3, 'not a mapping (a list)'],
        [2, 6, 'no apiVersion: not a Kubernetes object'],
      ],
    );
  });

  it('unwraps List and *List objects with item positions', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: x}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n';
    const result = loadText(text, 'list.yaml');
    assert.deepEqual(result.resources.map((r) => [r.ref.kind, r.ref.namespace, r.ref.name, r.origin.listIndex, r.origin.position?.line]), [
      ['Pod', 'x', 'a', 0, 4],
      ['Service', 'default', 'b', 1, 7],
    ]);
    // Positions inside a List item are those of the file, on both parser paths.
    for (const suffix of ['', '\nextra: &anchor 1\n']) {
      const nested = loadText(`${text}${suffix}`, 'list.yaml').resources;
      assert.deepEqual(locate(nested[1]!.object, ['metadata', 'name']).position, { line: 9, column: 14 });
      assert.deepEqual(locate(nested[0]!.object, ['metadata', 'namespace']).position, { line: 6, column: 23 });
    }
  });

  it('reads JSON (kubectl get -o json) with positions', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { hostNetwork: true } }] }, null, 2);
    const result = loadText(text, 'pods.json');
    assert.equal(result.resources.length, 1);
    const line = text.split('\n').findIndex((l) => l.includes('"hostNetwork"')) + 1;
    assert.equal(locate(result.resources[0]!.object, ['spec', 'hostNetwork']).position?.line, line);
  });

  it('leaves cluster-scoped kinds without a namespace and honours a default namespace', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n';
    assert.deepEqual(loadText(text, 'x').resources.map((r) => r.ref.namespace), [undefined, 'default']);
    assert.deepEqual(loadText(text, 'x', { defaultNamespace: 'team' }).resources.map((r) => r.ref.namespace), [undefined, 'team']);
  });
});

describe('typed lists whose items carry no kind (API answers, kubectl get -o json)', () => {
  it('fills apiVersion and kind from the list: FooList -> Foo, the list\'s apiVersion', () => {
    const pods = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 'a', namespace: 'x' }, spec: { hostNetwork: true } }, { kind: 'Pod', metadata: { name: 'b' } }] }, null, 2);
    const result = loadText(pods, 'pods.json');
    assert.deepEqual(result.skipped, []);
    assert.deepEqual(result.resources.map((r) => [r.ref.apiVersion, r.ref.kind, r.ref.namespace, r.ref.name, r.object.kind, r.object.apiVersion]), [
      ['v1', 'Pod', 'x', 'a', 'Pod', 'v1'],
      ['v1', 'Pod', 'default', 'b', 'Pod', 'v1'],
    ]);
    // Positions are still those of the file.
    const line = pods.split('\n').findIndex((l) => l.includes('"hostNetwork"')) + 1;
    assert.equal(locate(result.resources[0]!.object, ['spec', 'hostNetwork']).position?.line, line);
    const policies = loadText('apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n- metadata: {name: deny, namespace: shop}\n  spec: {podSelector: {}}\n', 'np.yaml');
    assert.deepEqual(policies.resources.map((r) => [r.ref.apiVersion, r.ref.kind, r.ref.namespace, r.ref.name, r.origin.position?.line]), [['networking.k8s.io/v1', 'NetworkPolicy', 'shop', 'deny', 4]]);
    assert.deepEqual(locate(policies.resources[0]!.object, ['spec', 'podSelector']).position, { line: 5, column: 10 });
    const namespaces = loadText('{"apiVersion":"v1","kind":"NamespaceList","items":[{"metadata":{"name":"shop"}}]}', 'ns.json');
    assert.deepEqual(namespaces.resources.map((r) => [r.ref.kind, r.ref.namespace, r.ref.name]), [['Namespace', undefined, 'shop']]);
  });

  it('a plain List still needs kinds on its items (as Kubernetes\' decoder does)', () => {
    const result = loadText('apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n', 'list.yaml');
    assert.equal(result.resources.length, 0);
    assert.deepEqual(result.skipped.map((s) => [s.line, s.reason]), [[4, 'no apiVersion and kind: not a Kubernetes object']]);
  });
});

describe('fields Kubernetes wants as strings (YAML 1.1 reads on, y, no, 123 otherwise)', () => {
  const text = [
    'apiVersion: v1', // 1
    'kind: ConfigMap', // 2
    'metadata:', // 3
    '  name: on', // 4
    '---', // 5
    'apiVersion: v1', // 6
    'kind: Pod', // 7
    'metadata:', // 8
    '  name: fine', // 9
    '  namespace: y', // 10
    '  labels: {app: web, enabled: no}', // 11
    '  annotations:', // 12
    '    build: 123', // 13
    '    ratio: 1.10', // 14
    'spec: {containers: [{name: c, image: x}]}', // 15
    '---', // 16
    'apiVersion: apps/v1', // 17
    'kind: Deployment', // 18
    'metadata: {name: web, labels: {"yes": "no", on: "x"}}', // 19
    'spec:', // 20
    '  template:', // 21
    '    metadata:', // 22
    '      labels:', // 23
    '        tier: Off', // 24
    '    spec: {containers: [{name: c, image: x}]}', // 25
    '---', // 26
    'apiVersion: v1', // 27
    'kind: ConfigMap', // 28
    'metadata: {name: quoted, namespace: "y", labels: {enabled: "no", build: \'123\'}}', // 29
  ].join('\n');

  it('reports each at its line, naming the value and the fix, and scans every other object', () => {
    const result = loadText(text, 'bools.yaml');
    assert.deepEqual(
      result.errors.map((e) => [e.code, e.document, e.line, e.field]),
      [
        ['invalid-object', 0, 4, 'metadata.name'],
        ['invalid-object', 1, 10, 'metadata.namespace'],
        ['invalid-object', 1, 11, 'metadata.labels.enabled'],
        ['invalid-object', 1, 13, 'metadata.annotations.build'],
        ['invalid-object', 1, 14, 'metadata.annotations.ratio'],
        ['invalid-object', 2, 24, 'spec.template.metadata.labels.tier'],
      ],
    );
    assert.equal(result.errors[0]!.message, 'metadata.name: `on` is read as the boolean true, but Kubernetes wants a string here (kubectl refuses it: "cannot unmarshal bool into ... of type string"); quote it: "on"');
    assert.match(result.errors[2]!.message, /^metadata\.labels\.enabled: `no` is read as the boolean false, .*quote it: "no"$/);
    assert.match(result.errors[3]!.message, /^metadata\.annotations\.build: `123` is read as the number 123, .*"cannot unmarshal number into \.\.\. of type string"\); quote it: "123"$/);
    assert.match(result.errors[4]!.message, /`1\.10` is read as the number 1\.1, .*quote it: "1\.10"$/);
    // Objects kubectl would refuse are not scanned; the others are. A key YAML reads as a
    // boolean becomes "true", as kubectl turns it into one, and is no error.
    assert.deepEqual(result.resources.map((r) => r.ref.name), ['quoted']);
    assert.deepEqual(result.resources[0]!.ref.namespace, 'y');
  });

  it('keys are converted as kubectl converts them (yes: -> "true") and are no error', () => {
    const result = loadText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    yes: "1"\n    123: "2"\n', 'keys.yaml');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(JSON.parse(JSON.stringify(result.resources[0]!.object.metadata)), { name: 'a', labels: { true: '1', 123: '2' } });
  });

  it('covers ConfigMap data, container env values and images, StatefulSet claim templates', () => {
    const text = [
      'apiVersion: v1', // 1
      'kind: ConfigMap', // 2
      'metadata: {name: flags}', // 3
      'data:', // 4
      '  enabled: true', // 5
      '---', // 6
      'apiVersion: apps/v1', // 7
      'kind: StatefulSet', // 8
      'metadata: {name: db}', // 9
      'spec:', // 10
      '  selector: {matchLabels: {primary: yes}}', // 11
      '  template:', // 12
      '    spec:', // 13
      '      nodeSelector: {ssd: on}', // 14
      '      containers:', // 15
      '      - name: db', // 16
      '        image: 5', // 17
      '        env:', // 18
      '        - {name: DEBUG, value: off}', // 19
      '  volumeClaimTemplates:', // 20
      '  - metadata: {name: data, labels: {backup: 0x10}}', // 21
    ].join('\n');
    const result = loadText(text, 'more.yaml');
    assert.deepEqual(result.errors.map((e) => [e.line, e.column, e.field]), [
      [5, 12, 'data.enabled'],
      [11, 37, 'spec.selector.matchLabels.primary'],
      [14, 27, 'spec.template.spec.nodeSelector.ssd'],
      [17, 16, 'spec.template.spec.containers[0].image'],
      [19, 32, 'spec.template.spec.containers[0].env[0].value'],
      [21, 45, 'spec.volumeClaimTemplates[0].metadata.labels.backup'],
    ]);
    assert.match(result.errors[5]!.message, /`0x10` is read as the number 16, .*quote it: "0x10"$/);
    assert.equal(result.resources.length, 0);
  });

  it('JSON numbers and nulls: a number is refused, a null is the empty string Kubernetes makes of it', () => {
    const result = loadText('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","labels":{"x":null},"annotations":{"n":5}}}', 'x.json');
    assert.deepEqual(result.errors.map((e) => [e.line, e.field]), [[1, 'metadata.annotations.n']]);
    assert.match(result.errors[0]!.message, /`5` is read as the number 5/);
  });
});

describe('reading directories and encodings', () => {
  const POD = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\n`;

  it('follows symbolic links to files and directories, reports loops and dangling links, reads each file once', async () => {
    const root = tempDir('palisade-links');
    mkdirSync(path.join(root, 'real/sub'), { recursive: true });
    writeFileSync(path.join(root, 'real/a.yaml'), POD('a'));
    writeFileSync(path.join(root, 'real/sub/b.yaml'), POD('b'));
    mkdirSync(path.join(root, 'scan'));
    writeFileSync(path.join(root, 'outside.yaml'), POD('outside'));
    symlinkSync(path.join(root, 'outside.yaml'), path.join(root, 'scan/linked.yaml'));
    symlinkSync(path.join(root, 'real'), path.join(root, 'scan/dir'));
    symlinkSync('..', path.join(root, 'real/sub/up')); // a loop: real/sub/up -> real
    symlinkSync(path.join(root, 'nowhere.yaml'), path.join(root, 'scan/dangling.yaml'));
    const result = await loadSources([path.join(root, 'scan')]);
    assert.deepEqual(result.resources.map((r) => r.ref.name).sort(), ['a', 'b', 'outside']);
    assert.deepEqual(result.errors.map((e) => [e.code, path.relative(root, e.file)]), [['read-error', 'scan/dangling.yaml']]);
    assert.match(result.errors[0]!.message, /broken symbolic link/);
    assert.deepEqual(result.skipped.map((s) => [path.relative(root, s.file), s.reason.replace(root, 'ROOT')]), [['scan/dir/sub/up', 'symbolic link loop: ROOT/real is already being read']]);
  });

  it('decodes UTF-16 and UTF-32 with a byte order mark (kubectl reads UTF-16)', async () => {
    const root = tempDir('palisade-encodings');
    const text = POD('wide');
    const utf32 = (littleEndian: boolean) => {
      const out = Buffer.alloc(4 * (text.length + 1));
      const write = (value: number, at: number) => (littleEndian ? out.writeUInt32LE(value, at) : out.writeUInt32BE(value, at));
      write(0xfeff, 0);
      [...text].forEach((char, index) => write(char.codePointAt(0)!, 4 * (index + 1)));
      return out;
    };
    writeFileSync(path.join(root, 'utf16le.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace('wide', 'le16'), 'utf16le')]));
    writeFileSync(path.join(root, 'utf16be.yaml'), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text.replace('wide', 'be16'), 'utf16le').swap16()]));
    writeFileSync(path.join(root, 'utf32le.yaml'), utf32(true));
    writeFileSync(path.join(root, 'utf32be.yaml'), utf32(false));
    writeFileSync(path.join(root, 'odd.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind: Pod', 'utf16le'), Buffer.from([0x41])]));
    const result = await loadSources([root]);
    assert.deepEqual(result.resources.map((r) => [path.basename(r.origin.source.kind === 'file' ? r.origin.source.path : ''), r.ref.name]), [
      ['utf16be.yaml', 'be16'],
      ['utf16le.yaml', 'le16'],
      ['utf32be.yaml', 'wide'],
      ['utf32le.yaml', 'wide'],
    ]);
    assert.deepEqual(result.errors.map((e) => [path.basename(e.file), e.code, e.message]), [['odd.yaml', 'binary-file', 'not UTF-16LE text (odd number of bytes)']]);
  });
});

describe('hostile input', () => {
  it('refuses a billion-laughs alias bomb quickly', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 10; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`);
    }
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n`;
    const started = performance.now();
    const result = loadText(text, 'bomb.yaml');
    assert.ok(performance.now() - started < 2000);
    assert.equal(result.errors[0]?.code, 'alias-limit');
    assert.deepEqual(result.resources.map((r) => r.ref.name), ['fine']);
  });

  it('refuses deeply nested documents with a clear error', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const result = loadText(text, 'deep.yaml');
    assert.equal(result.errors[0]?.code, 'depth-limit');
    assert.match(result.errors[0]!.message, /maxDepth/);
  });

  it('detects binary content', () => {
    assert.equal(binaryReason(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])), 'binary file (contains NUL bytes)');
    assert.equal(binaryReason(Buffer.from([0xff, 0xfe, 0xfd, 0x41, 0x42, 0x43, 0x44])), 'not UTF-8 text');
    assert.equal(binaryReason(Buffer.from('kind: Pod\n')), undefined);
  });
});
