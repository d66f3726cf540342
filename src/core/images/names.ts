/**
 * Package name normalisation per ecosystem, so that the name an image records and the
 * name an advisory writes meet: PEP 503 for PyPI (`Foo_Bar.baz` → `foo-bar-baz`), Maven as
 * `group:artifact` (a purl-style `group/artifact` is accepted), npm, NuGet and Packagist
 * lowercased, Go module paths and everything else exact (they are case-sensitive).
 */
import type { Ecosystem } from './model.js';

export function normalizePackageName(ecosystem: Ecosystem, name: string): string {
  const trimmed = name.trim();
  switch (ecosystem.split(':')[0]) {
    case 'PyPI':
      return trimmed.toLowerCase().replace(/[-_.]+/g, '-');
    case 'Maven': {
      const separator = trimmed.includes(':') ? ':' : '/';
      const [group, artifact] = trimmed.split(separator);
      return artifact === undefined ? trimmed : `${group}:${artifact}`;
    }
    case 'npm':
    case 'NuGet':
    case 'Packagist':
      return trimmed.toLowerCase();
    case 'Go':
      return trimmed.replace(/\/+$/, '');
    default:
      return trimmed;
  }
}

/**
 * The ecosystem under which advisories are stored and looked up. OSV writes Ubuntu releases
 * as `Ubuntu:22.04:LTS` (and `Ubuntu:Pro:...` for Pro-only fixes); an image's os-release
 * gives `22.04`, so the `:LTS` tag is dropped. Everything else is kept as written.
 */
export function canonicalEcosystem(ecosystem: Ecosystem): Ecosystem {
  const trimmed = ecosystem.trim();
  return trimmed.startsWith('Ubuntu:') ? trimmed.replace(/:LTS$/, '') : trimmed;
}
