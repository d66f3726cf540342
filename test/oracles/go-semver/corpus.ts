/**
 * Prints pairs of Go module versions, one JSON array per line, for the Go oracle
 * (main.go): release, shorthand, pre-release, pseudo-version and +incompatible forms,
 * and malformed ones, from a fixed fast-check seed so the corpus is reproducible.
 */
import fc from 'fast-check';

const number = fc.oneof({ arbitrary: fc.constantFrom('0', '1', '2', '10'), weight: 12 }, { arbitrary: fc.constantFrom('01', '00'), weight: 1 });
const identifier = fc.oneof({ arbitrary: fc.constantFrom('alpha', 'beta', 'rc', '0', '1', '11', '2', 'x-y', 'RC', '0a'), weight: 12 }, { arbitrary: fc.constantFrom('01', ''), weight: 1 });
const prerelease = fc.array(identifier, { minLength: 1, maxLength: 3 }).map((parts) => `-${parts.join('.')}`);
const pseudo = fc
  .tuple(fc.constantFrom('v0.0.0-', 'v1.2.4-0.', 'v1.2.4-pre.0.', 'v2.0.0-'), fc.constantFrom('20210101000000', '20220615120000', '20210101000001'), fc.constantFrom('-abcdef123456', '-0123456789ab'))
  .map((parts) => parts.join(''));
const version = fc.oneof(
  { arbitrary: fc.tuple(number, fc.option(number, { nil: undefined }), fc.option(number, { nil: undefined }), fc.option(prerelease, { nil: undefined }), fc.constantFrom('', '', '+incompatible', '+build.1'))
    .map(([major, minor, patch, pre, build]) => `v${major}${minor !== undefined ? `.${minor}` : ''}${minor !== undefined && patch !== undefined ? `.${patch}` : ''}${pre ?? ''}${build}`), weight: 8 },
  { arbitrary: pseudo, weight: 3 },
  { arbitrary: fc.constantFrom('v1.2.3.4', 'v1.2.3-', 'v1..2', 'v', 'v1.2.3+', 'v1.2.3-01', 'v2.0.0+incompatible', 'v1.2.3-0.20210101000000-abcdef123456'), weight: 1 },
);

for (const [a, b] of fc.sample(fc.tuple(version, version), { numRuns: 5000, seed: 6 })) console.log(JSON.stringify([a, b]));
