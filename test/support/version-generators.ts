import fc from 'fast-check';

/** Strings over a small alphabet, so that generated pairs share prefixes and collide often. */
const from = (alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet.split('')), { minLength, maxLength }).map((chars) => chars.join(''));

/** Valid dpkg versions: `[epoch:]upstream[-revision]`, upstream starting with a digit. */
export const dpkgVersion: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(fc.constantFrom('0', '1', '2', '10'), { nil: undefined }),
    fc.constantFrom('0', '1', '2', '9', '10'),
    from('0129a.b+~z', 0, 7),
    fc.option(from('019a.+~', 1, 5), { nil: undefined }),
  )
  .map(([epoch, first, rest, revision]) => `${epoch !== undefined ? `${epoch}:` : ''}${first}${rest}${revision !== undefined ? `-${revision}` : ''}`);

/** Valid rpm EVRs with a release: separators, `~`, `^`, letters, leading zeros. */
export const rpmVersion: fc.Arbitrary<string> = fc
  .tuple(fc.option(fc.constantFrom('0', '1', '2'), { nil: undefined }), from('0019aBz._~^+', 1, 8), from('019a._~^', 1, 5))
  .map(([epoch, version, release]) => `${epoch !== undefined ? `${epoch}:` : ''}${version}-${release}`);

/** Pairs where the second is often a small edit of the first (the interesting cases). */
export function nearPairs(arbitrary: fc.Arbitrary<string>, edits: string): fc.Arbitrary<[string, string]> {
  return fc.oneof(
    fc.tuple(arbitrary, arbitrary),
    fc.tuple(arbitrary, fc.nat(), fc.constantFrom(...edits.split(''))).map(([base, at, char]): [string, string] => {
      const position = 1 + (at % Math.max(1, base.length));
      return [base, base.slice(0, position) + char + base.slice(position)];
    }),
  );
}

const pick = (...items: string[]): fc.Arbitrary<string> => fc.constantFrom(...items);
const maybe = (arbitrary: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.oneof(fc.constant(''), arbitrary);
const number = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(0)).map(String);

/** PEP 440 versions in every spelling PEP 440 accepts (separators, case, aliases, implicit numbers). */
export const pep440Version: fc.Arbitrary<string> = fc
  .tuple(
    maybe(pick('1!', '2!', '0!')),
    fc.array(pick('0', '1', '2', '10', '00'), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')),
    maybe(fc.tuple(pick('', '.', '-', '_'), pick('a', 'b', 'rc', 'c', 'alpha', 'beta', 'pre', 'preview', 'RC'), pick('', '.', '-'), maybe(number)).map((parts) => parts.join(''))),
    maybe(fc.oneof(number.map((n) => `-${n}`), fc.tuple(pick('', '.', '-', '_'), pick('post', 'rev', 'r'), pick('', '.'), maybe(number)).map((parts) => parts.join('')))),
    maybe(fc.tuple(pick('', '.', '-', '_'), pick('dev', 'DEV'), maybe(number)).map((parts) => parts.join(''))),
    maybe(fc.tuple(pick('+'), pick('ubuntu', '1', 'abc', '7', 'x1')).map((parts) => parts.join(''))),
  )
  .map((parts) => parts.join(''));
