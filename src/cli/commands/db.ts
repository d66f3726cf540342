import { parseArgs } from 'node:util';
import { DatabaseError, defaultDatabasePath, importFrom, ImportError, openVulnerabilityDatabase, type DatabaseStatus, type ImportSummary } from '../../adapters/vulndb/index.js';
import { ageInDays } from '../../core/images/advisory.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from '../io.js';

export const DB_API_VERSION = 'palisade.dev/vulndb/v1';

export const DB_HELP = `Usage: palisade db update --from PATH|URL [--from ...] [flags]
       palisade db status [flags]

Manages the local vulnerability database that image scans match against.

  update   imports advisories: OSV records (JSON or YAML files, directory trees, the
           per-ecosystem zip archives OSV publishes), the Debian security tracker JSON
           and Alpine secdb files; PATH or an http(s) URL. Re-importing a source replaces
           what it brought before.
  status   the sources imported, when, how many advisories per ecosystem, and the age
           of the data.

Flags:
      --from PATH|URL   what to import (update; repeatable)
      --db FILE         the database (default: PALISADE_DB, else
                        $XDG_CACHE_HOME/palisade/vuln.db, else ~/.cache/palisade/vuln.db)
  -o, --output FORMAT   table or json (default table)

Exit codes: 0 done, 2 usage or input error (nothing could be imported, no database).
`;

function statusDocument(status: DatabaseStatus, now: Date): object {
  return {
    apiVersion: DB_API_VERSION,
    kind: 'DatabaseStatus',
    ...status,
    updatedAgeDays: ageInDays(status.updatedAt, now),
    dataAgeDays: ageInDays(status.newestData, now),
  };
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

function renderStatus(status: DatabaseStatus, now: Date): string {
  const lines = [`database: ${status.path}`];
  if (status.sources.length === 0) return `${lines[0]}\nempty: run palisade db update --from PATH|URL\n`;
  lines.push(`updated:  ${status.updatedAt} (${ageInDays(status.updatedAt, now)} days ago)`);
  if (status.newestData) lines.push(`data:     newest advisory ${status.newestData} (${ageInDays(status.newestData, now)} days old)`);
  lines.push(`advisories: ${status.advisories}`, '');
  lines.push(...table(['SOURCE', 'FORMAT', 'RECORDS', 'IMPORTED', 'NEWEST'], status.sources.map((source) => [source.location, source.format, String(source.records), source.importedAt, source.newestData ?? '-'])), '');
  lines.push(...table(['ECOSYSTEM', 'ADVISORIES', 'PACKAGES'], status.ecosystems.map((row) => [row.ecosystem, String(row.advisories), String(row.packages)])));
  return `${lines.join('\n')}\n`;
}

function renderImport(summaries: ImportSummary[]): string {
  const lines: string[] = [];
  for (const summary of summaries) {
    for (const batch of summary.batches) lines.push(`imported ${batch.records} ${batch.format} records (${batch.packages} affected packages) from ${batch.location}`);
    if (summary.batches.length === 0) lines.push(`nothing imported from ${summary.location}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function dbCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string', multiple: true },
      db: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'table' },
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
  if (values.output !== 'table' && values.output !== 'json') throw new UsageError('db: -o must be table or json');
  const file = values.db ?? defaultDatabasePath();
  const now = io.now();
  try {
    if (action === 'status') {
      const db = openVulnerabilityDatabase(file, { readonly: true });
      try {
        const status = db.status();
        io.stdout(values.output === 'json' ? `${JSON.stringify(statusDocument(status, now), null, 2)}\n` : renderStatus(status, now));
      } finally {
        db.close();
      }
      return 0;
    }
    const sources = values.from ?? [];
    if (sources.length === 0) throw new UsageError('db update: --from PATH|URL is required');
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
      const status = db.status();
      if (values.output === 'json') {
        io.stdout(`${JSON.stringify({ apiVersion: DB_API_VERSION, kind: 'DatabaseUpdate', imported: summaries, failures, status: statusDocument(status, now) }, null, 2)}\n`);
      } else io.stdout(renderImport(summaries));
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
