import type { Formatter } from './types.js';

function indentLines(text: string, indent: string): string {
  return text.includes('\n') ? text.replace(/\n/g, `\n${indent}`) : text;
}

/**
 * The report as `JSON.stringify(report, null, 2)` would write it, produced in
 * chunks (one per finding) so a report of a million findings is never one string.
 */
export function* jsonChunks(value: object): Generator<string> {
  const entries = Object.entries(value).filter(([, item]) => item !== undefined && typeof item !== 'function');
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{\n';
  for (const [index, [key, item]] of entries.entries()) {
    const comma = index < entries.length - 1 ? ',' : '';
    if (Array.isArray(item) && item.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let position = 0; position < item.length; position++) {
        const element = item[position] === undefined ? null : item[position];
        yield `    ${indentLines(JSON.stringify(element, null, 2), '    ')}${position < item.length - 1 ? ',' : ''}\n`;
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indentLines(JSON.stringify(item, null, 2), '  ')}${comma}\n`;
    }
  }
  yield '}\n';
}

export const formatJson: Formatter = (report) => jsonChunks(report);
