import type { InstalledPackage } from '../../core/images/model.js';
import { matchPackages, packageKey, type MatchOptions, type MatchResult } from '../../core/images/match.js';
import { keyString, type SqliteVulnerabilityDatabase } from './database.js';

/**
 * Matches an inventory's packages against the database: one indexed lookup per distinct
 * package key, then the pure matcher.
 */
export function matchWithDatabase(db: Pick<SqliteVulnerabilityDatabase, 'advisoriesFor'>, packages: readonly InstalledPackage[], options: MatchOptions = {}): MatchResult {
  const advisories = db.advisoriesFor(packages.map(packageKey));
  return matchPackages(packages, (key) => advisories.get(keyString(key)) ?? [], options);
}
