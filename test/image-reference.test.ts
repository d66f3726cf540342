import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  defaultPullPolicy,
  effectiveTag,
  familiarName,
  formatImageReference,
  matchesRegistryEntry,
  parseImageReference,
  type ImageReference,
} from '../src/core/images/reference.js';
import { repoPath } from './support/paths.js';

const SHA = 'sha256:' + '0123456789abcdef'.repeat(4);

function parse(input: string): ImageReference {
  const result = parseImageReference(input);
  assert.ok(result.ok, `${input}: ${result.ok ? '' : result.error}`);
  return result.reference;
}

describe('parseImageReference: Docker normalisation', () => {
  const cases: Array<[string, ImageReference]> = [
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.25', { registry: 'docker.io', repository: 'library/nginx', tag: '1.25' }],
    ['library/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['index.docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['index.docker.io/foo/bar', { registry: 'docker.io', repository: 'foo/bar' }],
    ['foo/bar', { registry: 'docker.io', repository: 'foo/bar' }],
    ['foo/bar/baz:v1', { registry: 'docker.io', repository: 'foo/bar/baz', tag: 'v1' }],
    ['localhost/foo', { registry: 'localhost', repository: 'foo' }],
    ['localhost:5000/x', { registry: 'localhost:5000', repository: 'x' }],
    ['localhost:5000/x:1', { registry: 'localhost:5000', repository: 'x', tag: '1' }],
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
    ['registry.k8s.io/pause:3.9', { registry: 'registry.k8s.io', repository: 'pause', tag: '3.9' }],
    ['ghcr.io/acme/tool/cli:2.0.1-rc.1', { registry: 'ghcr.io', repository: 'acme/tool/cli', tag: '2.0.1-rc.1' }],
    ['example.com:5000/team/app', { registry: 'example.com:5000', repository: 'team/app' }],
    ['192.168.0.1:5000/app', { registry: '192.168.0.1:5000', repository: 'app' }],
    ['[2001:db8::1]:5000/app:v2', { registry: '[2001:db8::1]:5000', repository: 'app', tag: 'v2' }],
    ['Foo/bar', { registry: 'Foo', repository: 'bar' }],
    ['a.b/c', { registry: 'a.b', repository: 'c' }],
    ['a.b', { registry: 'docker.io', repository: 'library/a.b' }],
    // Docker's parser keeps a first component that is no valid host name in the path, with an
    // empty domain; the runtime still contacts it as the registry, and so do we.
    ['a.b__c/d', { registry: 'a.b__c', repository: 'd' }],
    ['my_registry.local/app', { registry: 'my_registry.local', repository: 'app' }],
    [`registry.example.com/${'a'.repeat(240)}`, { registry: 'registry.example.com', repository: 'a'.repeat(240) }],
    ['a.b/c__d/e--f.g_h', { registry: 'a.b', repository: 'c__d/e--f.g_h' }],
    [`nginx@${SHA}`, { registry: 'docker.io', repository: 'library/nginx', digest: SHA }],
    [`nginx:1.25@${SHA}`, { registry: 'docker.io', repository: 'library/nginx', tag: '1.25', digest: SHA }],
    [`localhost:5000/x@${SHA}`, { registry: 'localhost:5000', repository: 'x', digest: SHA }],
    ['nginx:Latest_1', { registry: 'docker.io', repository: 'library/nginx', tag: 'Latest_1' }],
  ];
  for (const [input, expected] of cases) {
    it(`${input}`, () => assert.deepEqual(parse(input), expected));
  }

  const invalid = [
    '',
    ' nginx',
    'nginx ',
    'Nginx',
    'docker.io/Foo/bar',
    'foo/Bar',
    'nginx:',
    'nginx:-tag',
    'nginx:' + 'a'.repeat(129),
    '-nginx',
    'foo/-bar',
    'foo//bar',
    'foo/bar/',
    'https://github.com/docker/docker',
    'nginx@sha256:abc',
    `nginx@sha256:${'A'.repeat(64)}`,
    `nginx@md5:${'a'.repeat(32)}`,
    `nginx@${SHA}:tag`,
    '0123456789abcdef'.repeat(4),
    'foo:bar/baz',
    ':tag',
    '@' + SHA,
    'a'.repeat(250), // library/ + 250 characters: the path is longer than 255
    'foo_/bar',
    'foo/bar..baz',
    'a:b/c', // read as a registry (it has a ':'), but the port is not a number
  ];
  for (const input of invalid) {
    it(`rejects ${JSON.stringify(input.length > 50 ? `${input.slice(0, 50)}...` : input)}`, () => assert.equal(parseImageReference(input).ok, false));
  }
});

describe('image reference helpers', () => {
  it('formats the fully qualified and familiar names', () => {
    assert.equal(formatImageReference(parse('nginx')), 'docker.io/library/nginx');
    assert.equal(familiarName(parse('nginx:1')), 'nginx:1');
    assert.equal(familiarName(parse('docker.io/library/a/b')), 'library/a/b');
    assert.equal(familiarName(parse('foo/bar')), 'foo/bar');
    assert.equal(familiarName(parse(`ghcr.io/x/y:1@${SHA}`)), `ghcr.io/x/y:1@${SHA}`);
  });
  it('resolves the effective tag and the default pull policy as Kubernetes does', () => {
    assert.equal(effectiveTag(parse('nginx')), 'latest');
    assert.equal(effectiveTag(parse(`nginx@${SHA}`)), undefined);
    assert.equal(effectiveTag(parse(`nginx:1@${SHA}`)), '1');
    assert.equal(defaultPullPolicy(parse('nginx')), 'Always');
    assert.equal(defaultPullPolicy(parse('nginx:latest')), 'Always');
    assert.equal(defaultPullPolicy(parse(`nginx:latest@${SHA}`)), 'Always');
    assert.equal(defaultPullPolicy(parse(`nginx@${SHA}`)), 'IfNotPresent');
    assert.equal(defaultPullPolicy(parse('nginx:1.25')), 'IfNotPresent');
    assert.equal(defaultPullPolicy(parse('nginx:Latest')), 'IfNotPresent');
  });
  it('matches allow-list entries on registry and path component boundaries', () => {
    const image = parse('ghcr.io/acme/app:1');
    assert.equal(matchesRegistryEntry(image, 'ghcr.io'), true);
    assert.equal(matchesRegistryEntry(image, 'GHCR.io'), true);
    assert.equal(matchesRegistryEntry(image, 'ghcr.io/acme'), true);
    assert.equal(matchesRegistryEntry(image, 'ghcr.io/acme/'), true);
    assert.equal(matchesRegistryEntry(image, 'ghcr.io/acme/app'), true);
    assert.equal(matchesRegistryEntry(image, 'ghcr.io/ac'), false);
    assert.equal(matchesRegistryEntry(image, 'ghcr.io/acme/app/x'), false);
    assert.equal(matchesRegistryEntry(image, 'docker.io'), false);
    assert.equal(matchesRegistryEntry(image, '*.io'), true);
    assert.equal(matchesRegistryEntry(image, '*.ghcr.io'), false);
    assert.equal(matchesRegistryEntry(image, ''), false);
    assert.equal(matchesRegistryEntry(parse('nginx'), 'docker.io'), true);
    assert.equal(matchesRegistryEntry(parse('nginx'), 'index.docker.io'), true);
    assert.equal(matchesRegistryEntry(parse('nginx'), 'docker.io/library'), true);
    assert.equal(matchesRegistryEntry(parse('foo/bar'), 'docker.io/library'), false);
    assert.equal(matchesRegistryEntry(parse('localhost:5000/x'), 'localhost'), false);
    assert.equal(matchesRegistryEntry(parse('localhost:5000/x'), 'localhost:5000'), true);
    assert.equal(matchesRegistryEntry(parse('123.dkr.ecr.eu-west-1.amazonaws.com/app'), '*.dkr.ecr.eu-west-1.amazonaws.com'), true);
    assert.equal(matchesRegistryEntry(parse('evil-amazonaws.com/app'), '*.amazonaws.com'), false);
  });
});

// Generators for references the grammar accepts.
const alnum = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const separator = fc.constantFrom('.', '_', '__', '-', '--');
const pathComponent = fc
  .tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(''));
const domainLabel = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,4}[a-z0-9])?$/);
const registry = fc.oneof(
  fc.tuple(fc.array(domainLabel, { minLength: 2, maxLength: 3 }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })).map(
    ([labels, port]) => labels.join('.') + (port === undefined ? '' : `:${port}`),
  ),
  fc.constantFrom('localhost', 'localhost:5000', '[::1]:5000'),
);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`);
const reference = fc
  .record({
    registry: fc.option(registry, { nil: undefined }),
    path: fc.array(pathComponent, { minLength: 1, maxLength: 3 }),
    tag: fc.option(tag, { nil: undefined }),
    digest: fc.option(digest, { nil: undefined }),
  })
  // Without a registry, a first component with a '.' is read as a registry (see 'a.b__c/d' above).
  .filter((parts) => parts.registry !== undefined || parts.path.length === 1 || !parts.path[0]!.includes('.'));

function render(parts: { registry: string | undefined; path: string[]; tag: string | undefined; digest: string | undefined }): string {
  return `${parts.registry !== undefined ? `${parts.registry}/` : ''}${parts.path.join('/')}${parts.tag !== undefined ? `:${parts.tag}` : ''}${parts.digest !== undefined ? `@${parts.digest}` : ''}`;
}

describe('parseImageReference: properties', () => {
  it('parses every reference the grammar produces, keeping tag and digest', () => {
    fc.assert(
      fc.property(reference, (parts) => {
        const result = parseImageReference(render(parts));
        assert.ok(result.ok, render(parts));
        assert.equal(result.reference.tag, parts.tag);
        assert.equal(result.reference.digest, parts.digest);
        if (parts.registry !== undefined) {
          assert.equal(result.reference.registry, parts.registry);
          assert.equal(result.reference.repository, parts.path.join('/'));
        } else {
          // No registry: Docker Hub, with library/ for one-component names.
          assert.equal(result.reference.registry, 'docker.io');
          assert.equal(result.reference.repository, parts.path.length === 1 ? `library/${parts.path[0]}` : parts.path.join('/'));
        }
      }),
    );
  });

  it('is idempotent: the fully qualified and the familiar forms parse to the same reference', () => {
    fc.assert(
      fc.property(reference, (parts) => {
        const first = parseImageReference(render(parts));
        assert.ok(first.ok);
        assert.deepEqual(parse(formatImageReference(first.reference)), first.reference);
        assert.deepEqual(parse(familiarName(first.reference)), first.reference);
      }),
    );
  });

  it('never throws, and whatever it accepts round-trips', () => {
    const noisy = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('a', 'B', '0', '.', '_', '-', ':', '/', '@', '[', ']'), maxLength: 30 }),
      reference.map(render).chain((text) => fc.nat({ max: text.length }).map((cut) => text.slice(0, cut) + text.slice(cut + 1))),
    );
    fc.assert(
      fc.property(noisy, (text) => {
        const result = parseImageReference(text);
        if (!result.ok) return;
        assert.deepEqual(parse(formatImageReference(result.reference)), result.reference);
        assert.ok(result.reference.repository.length > 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('assigns Always exactly when the effective tag is latest', () => {
    fc.assert(
      fc.property(reference, (parts) => {
        const parsed = parse(render(parts));
        assert.equal(defaultPullPolicy(parsed) === 'Always', parsed.tag === 'latest' || (parsed.tag === undefined && parsed.digest === undefined));
      }),
    );
  });

  it('an allow-list entry made of the registry, or the registry and the repository, always matches', () => {
    fc.assert(
      fc.property(reference, (parts) => {
        const parsed = parse(render(parts));
        assert.ok(matchesRegistryEntry(parsed, parsed.registry));
        assert.ok(matchesRegistryEntry(parsed, `${parsed.registry}/${parsed.repository}`));
        assert.ok(!matchesRegistryEntry(parsed, `${parsed.registry}/${parsed.repository}x`));
      }),
    );
  });
});

describe('parseImageReference: agrees with Docker\'s own parser', () => {
  // Recorded from github.com/distribution/reference by test/oracles/image-reference/record.sh.
  const records = readFileSync(repoPath('test/fixtures/image-references.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { input: string; ok: boolean; registry?: string; repository?: string; tag?: string; digest?: string });

  it(`on all ${records.length} recorded references`, () => {
    assert.ok(records.length > 1000);
    assert.ok(records.filter((record) => record.ok).length > 300, 'the corpus holds enough valid references');
    const disagreements: string[] = [];
    for (const record of records) {
      let expected: unknown = { ok: false };
      if (record.ok) {
        let registry = record.registry ?? '';
        let repository = record.repository ?? '';
        if (registry === '') {
          // The documented divergence: the first path component is the registry host.
          const slash = repository.indexOf('/');
          registry = repository.slice(0, slash);
          repository = repository.slice(slash + 1);
        }
        expected = { ok: true, registry, repository, ...(record.tag ? { tag: record.tag } : {}), ...(record.digest ? { digest: record.digest } : {}) };
      }
      const result = parseImageReference(record.input);
      const actual = result.ok ? { ok: true, ...result.reference } : { ok: false };
      if (JSON.stringify(actual) !== JSON.stringify(expected)) disagreements.push(`${JSON.stringify(record.input)}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
    }
    assert.deepEqual(disagreements, []);
  });
});
