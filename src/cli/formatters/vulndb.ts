import type { DatabaseStatus, ImportSummary } from '../../adapters/vulndb/index.js';
import type { SourceUpdate } from '../../adapters/vulndb/update.js';
import { ageInDays } from '../../core/images/advisory.js';
import { defineOutputs } from '../output/registry.js';
import { tableLines } from '../output/table.js';

export const DB_API_VERSION = 'palisade.dev/vulndb/v1';

/** What `palisade db` shows: the database's status, or what an update did and the status after. */
export type DatabaseResult =
  | { action: 'status'; status: DatabaseStatus }
  | { action: 'update'; imported: ImportSummary[]; failures: string[]; status: DatabaseStatus; sources?: SourceUpdate[] };

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
  if (status.sources.length === 0) return `${lines[0]}\nempty: run palisade db update\n`;
  lines.push(`updated:  ${status.updatedAt} (${ageInDays(status.updatedAt, now)} days ago)`);
  if (status.newestData) lines.push(`data:     newest advisory ${status.newestData} (${ageInDays(status.newestData, now)} days old)`);
  lines.push(`advisories: ${status.advisories}`, '');
  const sources = status.sources.map((source) => [source.location, source.format, String(source.records), source.importedAt, source.newestData ?? '-']);
  for (const line of tableLines(sources, { header: ['SOURCE', 'FORMAT', 'RECORDS', 'IMPORTED', 'NEWEST'] })) lines.push(line);
  lines.push('');
  const ecosystems = status.ecosystems.map((row) => [row.ecosystem, String(row.advisories), String(row.packages)]);
  for (const line of tableLines(ecosystems, { header: ['ECOSYSTEM', 'ADVISORIES', 'PACKAGES'] })) lines.push(line);
  if (status.feeds?.length) {
    lines.push('');
    const feeds = status.feeds.map((feed) => [feed.name, feed.checkedAt, feed.newestModified ?? '-']);
    for (const line of tableLines(feeds, { header: ['DEFAULT SOURCE', 'CHECKED', 'NEWEST MODIFIED'] })) lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

const ACTION_TEXT: Record<SourceUpdate['action'], string> = { downloaded: 'downloaded', incremental: 'updated', 'not-modified': 'not modified', 'up-to-date': 'up to date' };

function renderSources(sources: SourceUpdate[]): string[] {
  return sources.map((source) => {
    const what = source.action === 'downloaded' ? `${source.records} records, ${(source.bytes / 1e6).toFixed(1)} MB${source.resumedFrom !== undefined ? `, resumed at ${source.resumedFrom} bytes` : ''}${source.md5Verified ? ', MD5 verified' : ''}` : source.action === 'incremental' ? `${source.records} records modified since the last update` : '';
    return `${source.name}: ${ACTION_TEXT[source.action]}${what ? ` (${what})` : ''}`;
  });
}

function renderImport(summaries: ImportSummary[], sources: SourceUpdate[] = []): string {
  const lines: string[] = renderSources(sources);
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
    table: (result, { now }) => (result.action === 'status' ? renderStatus(result.status, now) : renderImport(result.imported, result.sources)),
    json: (result, { now }) =>
      result.action === 'status'
        ? `${JSON.stringify(statusDocument(result.status, now), null, 2)}\n`
        : `${JSON.stringify({ apiVersion: DB_API_VERSION, kind: 'DatabaseUpdate', ...(result.sources ? { sources: result.sources } : {}), imported: result.imported, failures: result.failures, status: statusDocument(result.status, now) }, null, 2)}\n`,
  },
});
