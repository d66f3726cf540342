/**
 * Go module versions (golang.org/x/mod/semver): SemVer with a `v` prefix, where `v1` and
 * `v1.2` are shorthands for `v1.0.0` and `v1.2.0`. Pseudo-versions
 * (`v0.0.0-20210101000000-abcdef123456`, `v1.2.4-0.2021...`) are pre-releases and sort by
 * their timestamp; `+incompatible` is build metadata and does not affect order. OSV writes
 * Go versions without the `v`, and toolchain versions as `go1.21.3` or `go1.21rc2`
 * (= 1.21.0-rc.2): all are accepted.
 */
import * as semver from './semver.js';

/** The canonical `MAJOR.MINOR.PATCH[-pre][+build]` form without `v`, or undefined. */
export function canonical(version: string): string | undefined {
  let text = version.trim();
  const toolchain = /^go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta)(\d+))?$/.exec(text);
  if (toolchain) {
    const [, major, minor = '0', patch = '0', kind, number] = toolchain;
    return `${major}.${minor}.${patch}${kind ? `-${kind}.${number}` : ''}`;
  }
  if (text.startsWith('v')) text = text.slice(1);
  const shorthand = /^(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$/.exec(text);
  if (shorthand) return `${shorthand[1]}.${shorthand[2] ?? '0'}.0`;
  return semver.valid(text) && !text.startsWith('=') ? text : undefined;
}

export function valid(version: string): boolean {
  return canonical(version) !== undefined;
}

export function compare(a: string, b: string): number {
  const left = canonical(a);
  const right = canonical(b);
  if (left === undefined) throw new Error(`invalid Go version "${a}"`);
  if (right === undefined) throw new Error(`invalid Go version "${b}"`);
  return semver.compare(left, right);
}
