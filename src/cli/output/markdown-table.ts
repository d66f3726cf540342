import { visible } from './escape.js';

/** A cell of a GitHub-flavoured Markdown table: a pipe would end the cell, a control character the row. */
export function markdownTableCell(cell: string): string {
  return visible(cell).replace(/\|/g, '\\|');
}

/** A Markdown table as chunks, one row each: `| a | b |`, then `|---|---|`, then the rows. */
export function* markdownTableChunks(header: readonly string[], rows: Iterable<readonly string[]>): Generator<string> {
  yield `| ${header.map(markdownTableCell).join(' | ')} |\n`;
  yield `|${header.map(() => '---').join('|')}|\n`;
  for (const row of rows) yield `| ${row.map(markdownTableCell).join(' | ')} |\n`;
}
