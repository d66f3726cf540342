import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normaliseEntryPath } from '../src/adapters/images/walker.js';
import { parseDpkgStatus } from '../src/core/images/analyzers/dpkg.js';
import { parseOsRelease } from '../src/core/images/analyzers/os-release.js';
import { parseWwwAuthenticate } from '../src/core/images/oci.js';

/** Property tests: parsers against the generators of their formats. */
describe('image parsers (property tests)', () => {
  it('WWW-Authenticate: quoted and token parameters, escapes, any order', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9._~+\/-]{1,20}$/);
    const quoted = fc.string({ maxLength: 30 }).filter((value) => !/[\r\n]/.test(value));
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z_]{0,10}$/), fc.oneof(token.map((value) => ({ value, quoted: false })), quoted.map((value) => ({ value, quoted: true })))), { selector: ([key]) => key, maxLength: 5 }), (params) => {
        const header = `Bearer ${params.map(([key, { value, quoted: isQuoted }]) => (isQuoted ? `${key}="${value.replace(/(["\\])/g, '\\$1')}"` : `${key}=${value}`)).join(', ')}`;
        const parsed = parseWwwAuthenticate(header);
        assert.deepEqual(parsed, { scheme: 'bearer', params: Object.fromEntries(params.map(([key, { value }]) => [key, value])) });
      }),
    );
  });

  it('dpkg status: exactly the packages whose Status says installed', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9+.-]{1,20}$/);
    const version = fc.stringMatching(/^([0-9]:)?[0-9][A-Za-z0-9.+~]{0,10}(-[A-Za-z0-9.+~]{1,8})?$/);
    const state = fc.constantFrom('installed', 'config-files', 'half-installed', 'not-installed');
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, version, state, fc.option(name)), { selector: ([n]) => n, maxLength: 20 }), (packages) => {
        const text = packages
          .map(([n, v, s, source]) => `Package: ${n}\nStatus: install ok ${s}\nPriority: optional\n${source ? `Source: ${source} (${v})\n` : ''}Version: ${v}\nDescription: a package\n with a long\n .\n description\n`)
          .join('\n');
        const parsed = parseDpkgStatus(text, true);
        assert.deepEqual(
          parsed.map((item) => [item.name, item.version, item.sourceName]),
          packages.filter(([, , s]) => s === 'installed').map(([n, v, , source]) => [n, v, source ?? n]),
        );
      }),
    );
  });

  it('os-release values: quoted, single-quoted or bare', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9 ._()-]{0,30}$/), fc.constantFrom('"', "'", ''), (value, quote) => {
        const bare = quote === '' ? value.replace(/ /g, '') : value;
        assert.equal(parseOsRelease(`PRETTY_NAME=${quote}${bare}${quote}\n`).PRETTY_NAME, bare);
      }),
    );
  });

  it('tar entry names: a path climbs out exactly when a .. goes above the root', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', '.', '..', ''), { maxLength: 8 }), fc.boolean(), (segments, absolute) => {
        const name = `${absolute ? '/' : ''}${segments.join('/')}`;
        let depth = 0;
        let escapes = false;
        for (const segment of segments) {
          if (segment === '..') depth--;
          else if (segment !== '.' && segment !== '') depth++;
          if (depth < 0) escapes = true;
        }
        const normalised = normaliseEntryPath(name);
        assert.equal(normalised === undefined, escapes, name);
        if (normalised !== undefined) assert.ok(!normalised.split('/').includes('..') && !normalised.startsWith('/'));
      }),
    );
  });
});
