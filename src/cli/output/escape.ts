/**
 * Control characters from object names, messages or cells are shown escaped (`\u000a`),
 * never sent to the terminal: a line feed in a name must not make a fake line, an escape
 * sequence must not recolour or rewrite the screen. Escaped: every C0 and C1 control and
 * DEL; the Unicode line and paragraph separators (U+2028, U+2029), which some viewers break
 * lines at; and the bidirectional embedding, override and isolate controls (U+202A-U+202E,
 * U+2066-U+2069), which reorder what follows them on the line ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const escapeChar = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One line of terminal output (a table cell, a name): every control character escaped. */
export function visible(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, escapeChar) : text;
}

