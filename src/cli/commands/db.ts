import { parseArgs } from 'node:util';
import { DatabaseError, defaultDatabasePath, importFrom, ImportError, openVulnerabilityDatabase, type ImportSummary } from '../../adapters/vulndb/index.js';
import { DB_OUTPUTS } from '../formatters/vulndb.js';
import { chooseOutputs, formatChoice, writeAllRendered } from '../output/registry.js';
import { UsageError } from '../usage-error.js';
import type { CommandIO } from '../io.js';

export { DB_API_VERSION } from '../formatters/vulndb.js';

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
  -o, --output FORMAT[=FILE] ${formatChoice(DB_OUTPUTS)} (default ${DB_OUTPUTS.default})

Exit codes: 0 done, 2 usage or input error (nothing could be imported, no database).

Examples:
  palisade db update --from osv-debian.zip --from alpine-secdb.json
  palisade db status -o json
`;

export async function dbCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string', multiple: true },
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
