import { parseArgs } from 'node:util';
import path from 'node:path';
import { DatabaseError, defaultDatabasePath, importFrom, ImportError, openVulnerabilityDatabase, type ImportSummary } from '../../adapters/vulndb/index.js';
import { ALPINE_RELEASES, defaultSources, OSV_ECOSYSTEMS, selectSources, updateDefaultSources } from '../../adapters/vulndb/update.js';
import type { ChosenOutput } from '../output/registry.js';
import type { DatabaseResult } from '../formatters/vulndb.js';
import { DB_OUTPUTS } from '../formatters/vulndb.js';
import { chooseOutputs, formatChoice, writeAllRendered } from '../output/registry.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from '../io.js';

export { DB_API_VERSION } from '../formatters/vulndb.js';

export const DB_HELP = `Usage: palisade db update [--mirror URL] [--source NAME...] [flags]
       palisade db update --from PATH|URL [--from ...] [flags]
       palisade db status [flags]

Manages the local vulnerability database that image scans match against.

  update   without --from: the default sources, OSV's archive of every ecosystem Palisade
           matches (${OSV_ECOSYSTEMS.join(', ')}),
           the Debian security tracker and Alpine's secdb (${ALPINE_RELEASES.join(', ')}; main and
           community). The first update downloads everything; later ones fetch only the OSV
           records modified since, and the other documents only when they changed. Partial
           downloads continue where they stopped; each source is imported whole or not at all.
           With --from: imports OSV records (JSON or YAML files, directory trees, the
           per-ecosystem zip archives OSV publishes), the Debian security tracker JSON
           and Alpine secdb files; PATH or an http(s) URL. Re-importing a source replaces
           what it brought before.
  status   the sources imported, when, how many advisories per ecosystem, and the age
           of the data.

Flags:
      --from PATH|URL   what to import (update; repeatable) instead of the default sources
      --mirror URL      a mirror of the default sources (default $PALISADE_DB_MIRROR), serving
                        their layouts under one base: URL/osv/<Ecosystem>/all.zip,
                        URL/osv/<Ecosystem>/modified_id.csv and <ID>.json,
                        URL/debian/tracker/data/json, URL/alpine/v3.xx/main.json
      --source NAME     only these default sources (repeatable): osv:Go, osv: (every OSV
                        ecosystem), debian-tracker, alpine:v3.20/main, alpine: ...
      --full            download OSV archives whole instead of the records modified since
      --retries N       retries of a failed request (default 3; backoff from 1 s, doubled)
      --timeout SECONDS for a response to start and between two chunks of it (default 30)
      --db FILE         the database (default: PALISADE_DB, else
                        $XDG_CACHE_HOME/palisade/vuln.db, else ~/.cache/palisade/vuln.db)
  -o, --output FORMAT[=FILE] ${formatChoice(DB_OUTPUTS)} (default ${DB_OUTPUTS.default})

Exit codes: 0 done, 2 usage or input error (nothing could be imported, no database).

Examples:
  palisade db update
  palisade db update --mirror https://mirror.example.com/vulndata --source osv: --source debian-tracker
  palisade db update --from osv-debian.zip --from alpine-secdb.json
  palisade db status -o json
`;

export async function dbCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string', multiple: true },
      mirror: { type: 'string' },
      source: { type: 'string', multiple: true },
      full: { type: 'boolean' },
      retries: { type: 'string' },
      timeout: { type: 'string' },
      db: { type: 'string' },
      output: { type: 'string', short: 'o', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(DB_HELP);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (action !== 'update' && action !== 'status') throw new UsageError(`db: expected "update" or "status"${action ? `, not "${action}"` : ''}\n${DB_HELP}`);
  if (extra.length > 0) throw new UsageError(`db ${action}: unexpected argument "${extra[0]}"`);
  const output = chooseOutputs(DB_OUTPUTS, values.output as string[] | undefined, io.cwd);
  const file = values.db ?? defaultDatabasePath();
  try {
    if (action === 'status') {
      const db = openVulnerabilityDatabase(file, { readonly: true });
      try {
        await writeAllRendered(io, output, { action, status: db.status() });
      } finally {
        db.close();
      }
      return 0;
    }
    const sources = values.from ?? [];
    if (sources.length === 0) return await updateDefaults(values, file, output, io);
    for (const flag of ['mirror', 'source', 'full'] as const) if (values[flag] !== undefined) throw new UsageError(`db update: --${flag} is for the default sources, not with --from`);
    const db = openVulnerabilityDatabase(file);
    const summaries: ImportSummary[] = [];
    const failures: string[] = [];
    try {
      for (const from of sources) {
        try {
          const summary = await importFrom(from, db, { now: () => io.now(), progress: io.progress });
          summaries.push(summary);
          for (const problem of summary.problems) io.stderr(`palisade db update: ${problem}\n`);
        } catch (error) {
          if (!(error instanceof ImportError)) throw error;
          failures.push(error.message);
          io.stderr(`palisade db update: ${error.message}\n`);
        }
      }
      await writeAllRendered(io, output, { action, imported: summaries, failures, status: db.status() });
    } finally {
      db.close();
    }
    const imported = summaries.some((summary) => summary.batches.length > 0);
    return failures.length > 0 || !imported ? 2 : 0;
  } catch (error) {
    if (error instanceof DatabaseError) throw new UsageError(error.message);
    throw error;
  }
}

function count(text: string | undefined, flag: string, fallback: number, minimum: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < minimum) throw new UsageError(`db update: --${flag} takes a whole number of at least ${minimum}, not "${text}"`);
  return Number(text);
}

/** `palisade db update` without --from: the default sources, or a mirror of them. */
async function updateDefaults(
  values: { mirror?: string; source?: string[]; full?: boolean; retries?: string; timeout?: string },
  file: string,
  output: ChosenOutput<DatabaseResult>[],
  io: CommandIO,
): Promise<number> {
  const mirror = values.mirror ?? (process.env.PALISADE_DB_MIRROR || undefined);
  if (mirror !== undefined && !/^https?:\/\/[^/]/i.test(mirror)) throw new UsageError(`db update: --mirror ${mirror}: expected an http(s) URL`);
  const retries = count(values.retries, 'retries', 3, 0);
  const timeoutMs = count(values.timeout, 'timeout', 30, 1) * 1000;
  let sources;
  try {
    sources = selectSources(defaultSources(mirror), values.source ?? []);
  } catch (error) {
    throw new UsageError(`db update: ${(error as Error).message}`);
  }
  const db = openVulnerabilityDatabase(file);
  try {
    const result = await updateDefaultSources(db, sources, {
      now: () => io.now(),
      progress: io.progress,
      downloads: path.join(path.dirname(path.resolve(file)), 'downloads'),
      userAgent: `palisade/${io.version}`,
      http: { attempts: retries + 1, headersTimeoutMs: timeoutMs, idleTimeoutMs: timeoutMs },
      ...(values.full ? { full: true } : {}),
    });
    for (const update of result.updated) for (const problem of update.problems) io.stderr(`palisade db update: ${update.name}: ${problem}\n`);
    for (const failure of result.failures) io.stderr(`palisade db update: ${failure.name}: ${failure.message} (the data it brought before is kept)\n`);
    await writeAllRendered(io, output, { action: 'update', sources: result.updated, imported: [], failures: result.failures.map((failure) => `${failure.name}: ${failure.message}`), status: db.status() });
    return result.failures.length > 0 ? 2 : 0;
  } finally {
    db.close();
  }
}
