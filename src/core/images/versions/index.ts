/**
 * Version ordering per ecosystem: one module per scheme, each a pure `compare(a, b)` (negative,
 * zero, positive; throws on a version the package manager would refuse) and `valid(v)`.
 */
import type { Ecosystem, VersionScheme } from '../model.js';
import * as apk from './apk.js';
import * as composer from './composer.js';
import * as dpkg from './dpkg.js';
import * as go from './go.js';
import * as maven from './maven.js';
import * as nuget from './nuget.js';
import * as pep440 from './pep440.js';
import * as pub from './pub.js';
import * as rpm from './rpm.js';
import * as rubygems from './rubygems.js';
import * as semver from './semver.js';

export interface VersionOrdering {
  scheme: VersionScheme;
  valid(version: string): boolean;
  compare(a: string, b: string): number;
}

const ordering = (scheme: VersionScheme, module: { valid(version: string): boolean; compare(a: string, b: string): number }): VersionOrdering => ({
  scheme,
  valid: module.valid,
  compare: module.compare,
});

export const VERSION_ORDERINGS: Readonly<Record<VersionScheme, VersionOrdering>> = {
  apk: ordering('apk', apk),
  cargo: ordering('cargo', semver),
  composer: ordering('composer', composer),
  dpkg: ordering('dpkg', dpkg),
  go: ordering('go', go),
  maven: ordering('maven', maven),
  npm: ordering('npm', semver),
  nuget: ordering('nuget', nuget),
  pep440: ordering('pep440', pep440),
  pub: ordering('pub', pub),
  rpm: ordering('rpm', rpm),
  rubygems: ordering('rubygems', rubygems),
  semver: ordering('semver', semver),
};

const LANGUAGE_SCHEMES: Record<string, VersionScheme> = {
  Go: 'go',
  'crates.io': 'cargo',
  npm: 'npm',
  PyPI: 'pep440',
  Maven: 'maven',
  RubyGems: 'rubygems',
  NuGet: 'nuget',
  Packagist: 'composer',
  Hex: 'semver',
  Pub: 'pub',
  SwiftURL: 'semver',
};

const RPM_DISTRIBUTIONS = ['Red Hat', 'Rocky Linux', 'AlmaLinux', 'openSUSE', 'SUSE', 'Mageia', 'openEuler', 'Photon OS', 'Azure Linux', 'CBL-Mariner', 'Amazon Linux', 'Oracle Linux', 'Fedora', 'CentOS'];

/** The scheme an OSV ecosystem's versions follow (`Debian:12` → dpkg), or undefined. */
export function schemeForEcosystem(ecosystem: Ecosystem): VersionScheme | undefined {
  const base = ecosystem.split(':')[0]!;
  const language = LANGUAGE_SCHEMES[base];
  if (language) return language;
  if (base === 'Debian' || base === 'Ubuntu') return 'dpkg';
  if (base === 'Alpine' || base === 'Wolfi' || base === 'Chainguard' || base === 'Alpaquita') return 'apk';
  if (RPM_DISTRIBUTIONS.includes(base)) return 'rpm';
  return undefined;
}

export { apk, composer, dpkg, go, maven, nuget, pep440, pub, rpm, rubygems, semver };
