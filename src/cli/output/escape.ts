/**
 * Control characters from object names, messages or cells are shown escaped (`\u000a`),
 * never sent to the terminal: a line feed in a name must not make a fake line, an escape
 * sequence must not recolour or rewrite the screen.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const escapeChar = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One line of terminal output (a table cell, a name): every control character escaped. */
export function visible(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, escapeChar) : text;
}
