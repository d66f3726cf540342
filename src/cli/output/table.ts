import { visible } from './escape.js';

/** How one column is sized. Measured by default: as wide as its widest cell. */
export interface ColumnSpec {
  /** a fixed width: cells are padded to it without measuring (longer ones overflow) */
  width?: number;
  /** a measured width never exceeds this: longer cells overflow, unpadded */
  max?: number;
}

export interface TableOptions {
  /** the first line, measured with the rows */
  header?: readonly string[];
  /** per column, by position; columns not listed are measured */
  columns?: readonly (ColumnSpec | undefined)[];
  /** the largest measured width of any column without a `max` of its own */
  max?: number;
  /** between columns; default two spaces */
  gap?: string;
}

/**
 * The width of every column: one pass over the rows (each cell measured once, no array spread
 * into Math.max, so a million rows measure as safely as ten). Widths are taken after escaping.
 */
export function columnWidths(rows: Iterable<readonly string[]>, options: TableOptions = {}): number[] {
  const widths: number[] = [];
  const measure = (row: readonly string[]) => {
    for (let column = 0; column < row.length; column++) {
      const length = visible(row[column] ?? '').length;
      if (length > (widths[column] ?? 0)) widths[column] = length;
    }
  };
  if (options.header) measure(options.header);
  for (const row of rows) measure(row);
  const columns = options.columns ?? [];
  for (let column = 0; column < Math.max(widths.length, columns.length); column++) {
    const spec = columns[column];
    const measured = widths[column] ?? 0;
    const max = spec?.max ?? options.max;
    widths[column] = spec?.width ?? (max !== undefined && measured > max ? max : measured);
  }
  return widths;
}

/** One row as a line: every cell but the row's last padded to its column, trailing blanks trimmed. */
export function tableLine(row: readonly string[], widths: readonly number[], gap = '  '): string {
  let line = '';
  for (let column = 0; column < row.length; column++) {
    const cell = visible(row[column] ?? '');
    if (column > 0) line += gap;
    line += column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0);
  }
  return line.trimEnd();
}

/** A one-shot iterator (a generator) returns itself: it cannot be walked twice. */
function reiterable<T>(rows: Iterable<T>): Iterable<T> {
  const iterator = rows[Symbol.iterator]();
  if ((iterator as unknown) !== rows) return rows;
  const held: T[] = [];
  for (let next = iterator.next(); !next.done; next = iterator.next()) held.push(next.value);
  return held;
}

/**
 * A table as chunks of text, one line each ending in a line feed: the header, then the rows.
 * Widths are exact over every row (two passes: measure, then write), so rows must be
 * iterable twice (an array, or an object whose iterator starts afresh); a generator is held
 * in memory first. Cells are escaped (control characters shown as \uXXXX).
 */
export function* tableChunks(rows: Iterable<readonly string[]>, options: TableOptions = {}): Generator<string> {
  const source = reiterable(rows);
  const widths = columnWidths(source, options);
  const gap = options.gap ?? '  ';
  if (options.header) yield `${tableLine(options.header, widths, gap)}\n`;
  for (const row of source) yield `${tableLine(row, widths, gap)}\n`;
}

/** The same table as lines without line feeds, for output that is assembled with other lines. */
export function* tableLines(rows: Iterable<readonly string[]>, options: TableOptions = {}): Generator<string> {
  for (const chunk of tableChunks(rows, options)) yield chunk.slice(0, -1);
}

/** The whole table as one string (small tables: a few dozen rows). */
export function tableText(rows: Iterable<readonly string[]>, options: TableOptions = {}): string {
  let text = '';
  for (const chunk of tableChunks(rows, options)) text += chunk;
  return text;
}
