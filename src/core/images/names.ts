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
