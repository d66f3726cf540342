/**
 * Prints the image reference corpus, one JSON string per line, for the Go
 * oracle (main.go): hand-picked edge cases, then grammar-built and mutated
 * references from a fixed fast-check seed, so the corpus is reproducible.
 */
import fc from 'fast-check';

const SHA = 'sha256:' + '0123456789abcdef'.repeat(4);

const HANDPICKED = [
  'nginx', 'nginx:1.25', 'library/nginx', 'docker.io/nginx', 'index.docker.io/nginx', 'index.docker.io/foo/bar',
  'docker.io/library/nginx:latest', 'foo/bar', 'foo/bar/baz:v1', 'localhost', 'localhost/foo', 'localhost:5000/x',
  'localhost:5000', 'LOCALHOST/foo', 'registry.k8s.io/pause:3.9', 'k8s.gcr.io/pause:3.2', 'gcr.io/google_containers/pause:3.1',
  'ghcr.io/acme/tool/cli:2.0.1-rc.1', 'example.com:5000/team/app', '192.168.0.1:5000/app', '[2001:db8::1]:5000/app:v2',
  '[2001:db8::1]/app', '[::1]/app', 'Foo/bar', 'FOO/bar', 'foo/Bar', 'Nginx', 'a.b/c', 'a.b', 'a.b__c/d', 'a_b/c', 'a-b/c',
  'a:b/c', 'a:1/c', 'a.b:1/c', '-a/b', 'a-/b', 'a/b-', 'a/-b', 'a/b--c', 'a/b__c', 'a/b___c', 'a/b..c', 'a/b._c', 'a//b', 'a/b/',
  '/a', 'a/', '', ' nginx', 'nginx ', 'nginx:', 'nginx:-x', 'nginx:_x', 'nginx:.x', 'nginx:x.y-z_W', 'nginx:' + 'a'.repeat(128),
  'nginx:' + 'a'.repeat(129), `nginx@${SHA}`, `nginx:1.25@${SHA}`, `localhost:5000/x@${SHA}`, `nginx:latest@${SHA}`,
  'nginx@sha256:abc', `nginx@sha256:${'A'.repeat(64)}`, `nginx@sha512:${'a'.repeat(128)}`, `nginx@sha384:${'a'.repeat(96)}`,
  `nginx@md5:${'a'.repeat(32)}`, `nginx@sha256:${'a'.repeat(65)}`, `nginx@${SHA}:tag`, `nginx@@${SHA}`, '0123456789abcdef'.repeat(4),
  `${'0123456789abcdef'.repeat(4)}:tag`, 'foo:bar/baz', ':tag', '@' + SHA, `registry.example.com/${'a'.repeat(240)}`,
  `${'a'.repeat(250)}`, `${'a'.repeat(256)}`, 'foo_/bar', 'https://github.com/docker/docker', 'docker:///docker',
  'a.b.c.d.e/f', 'xn--bcher-kva.example/app', 'my-registry.local:443/ns/app:v1', 'my_registry.local/app', 'registry.example.com:/app',
  'registry.example.com:abc/app', 'registry.example.com:5000:1/app', 'a/b:c:d', 'a:b:c', 'ubuntu:22.04', 'ubuntu:22.04:x',
  'UPPER:tag', 'docker.io/library/Foo', 'docker.io/Foo/bar', 'index.docker.io/Foo', 'Docker.io/foo', 'docker.IO/foo',
];

const alnum = fc.stringMatching(/^[a-z0-9]{1,4}$/);
const separator = fc.constantFrom('.', '_', '__', '-', '--', '___', '..');
const component = fc.tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 2 })).map(([head, rest]) => head + rest.map(([s, p]) => s + p).join(''));
const host = fc.oneof(
  fc.tuple(fc.array(fc.stringMatching(/^[a-zA-Z0-9-]{1,5}$/), { minLength: 1, maxLength: 3 }), fc.option(fc.stringMatching(/^[0-9a-z]{0,5}$/), { nil: undefined })).map(([labels, port]) => labels.join('.') + (port === undefined ? '' : `:${port}`)),
  fc.constantFrom('localhost', 'Localhost', '[::1]', '[fe80::1]:8080'),
);
const tag = fc.stringMatching(/^[A-Za-z0-9_.-]{0,12}$/);
const digest = fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`), fc.stringMatching(/^[0-9a-fA-F]{30,66}$/).map((h) => `sha256:${h}`));
const built = fc
  .record({ host: fc.option(host, { nil: undefined }), path: fc.array(component, { minLength: 1, maxLength: 3 }), tag: fc.option(tag, { nil: undefined }), digest: fc.option(digest, { nil: undefined }) })
  .map((p) => `${p.host !== undefined ? `${p.host}/` : ''}${p.path.join('/')}${p.tag !== undefined ? `:${p.tag}` : ''}${p.digest !== undefined ? `@${p.digest}` : ''}`);
const noisy = fc.oneof(
  { arbitrary: built, weight: 4 },
  { arbitrary: built.chain((text) => fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut) + text.slice(cut + 1))), weight: 2 },
  { arbitrary: fc.string({ unit: fc.constantFrom('a', 'B', '0', '.', '_', '-', ':', '/', '@', '[', ']'), maxLength: 16 }), weight: 1 },
);

const seen = new Set<string>();
for (const input of [...HANDPICKED, ...fc.sample(noisy, { numRuns: 3000, seed: 20260601 })]) {
  if (seen.has(input) || input.includes('\n')) continue;
  seen.add(input);
  process.stdout.write(`${JSON.stringify(input)}\n`);
}
