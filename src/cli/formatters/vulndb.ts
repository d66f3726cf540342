import type { DatabaseStatus, ImportSummary } from '../../adapters/vulndb/index.js';
import { ageInDays } from '../../core/images/advisory.js';
import { defineOutputs } from '../output/registry.js';
import { tableLines } from '../output/table.js';

export const DB_API_VERSION = 'palisade.dev/vulndb/v1';

/** What `palisade db` shows: the database's status, or what an update did and the status after. */
export type DatabaseResult =
  | { action: 'status'; status: DatabaseStatus }
  | { action: 'update'; imported: ImportSummary[]; failures: string[]; status: DatabaseStatus };

function statusDocument(status: DatabaseStatus, now: Date): object {
  return {
    apiVersion: DB_API_VERSION,
    kind: 'DatabaseStatus',
    ...status,
    updatedAgeDays: ageInDays(status.updatedAt, now),
    dataAgeDays: ageInDays(status.newestData, now),
  };
}

function renderStatus(status: DatabaseStatus, now: Date): string {
  const lines = [`database: ${status.path}`];
  if (status.sources.length === 0) return `${lines[0]}\nempty: run palisade db update --from PATH|URL\n`;
  lines.push(`updated:  ${status.updatedAt} (${ageInDays(status.updatedAt, now)} days ago)`);
  if (status.newestData) lines.push(`data:     newest advisory ${status.newestData} (${ageInDays(status.newestData, now)} days old)`);
  lines.push(`advisories: ${status.advisories}`, '');
  const sources = status.sources.map((source) => [source.location, source.format, String(source.records), source.importedAt, source.newestData ?? '-']);
  for (const line of tableLines(sources, { header: ['SOURCE', 'FORMAT', 'RECORDS', 'IMPORTED', 'NEWEST'] })) lines.push(line);
  lines.push('');
  const ecosystems = status.ecosystems.map((row) => [row.ecosystem, String(row.advisories), String(row.packages)]);
  for (const line of tableLines(ecosystems, { header: ['ECOSYSTEM', 'ADVISORIES', 'PACKAGES'] })) lines.push(line);
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

/** `palisade db status|update -o`. */
export const DB_OUTPUTS = defineOutputs<DatabaseResult>({
  default: 'table',
  formats: {
    table: (result, { now }) => (result.action === 'status' ? renderStatus(result.status, now) : renderImport(result.imported)),
    json: (result, { now }) =>
      result.action === 'status'
        ? `${JSON.stringify(statusDocument(result.status, now), null, 2)}\n`
        : `${JSON.stringify({ apiVersion: DB_API_VERSION, kind: 'DatabaseUpdate', imported: result.imported, failures: result.failures, status: statusDocument(result.status, now) }, null, 2)}\n`,
  },
});
