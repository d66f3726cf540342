/**
 * Credential detection in a container's command and args: the same detectors as
 * environment variables and config files (detector.ts), applied to what a command line
 * holds. Each argument is judged by its shape (a token format anywhere in it), as a
 * `--flag=value` or `--flag value` pair with a credential-like flag name, as a
 * `--flag=key=value` pair (`kubectl create secret --from-literal=password=...`), and, when
 * it is a script (`sh -c "..."`), line by line: `KEY=value` assignments, config-style
 * lines and the flags of the commands it runs.
 *
 * Nothing here returns the value: hits name the argument, the line, the flag or variable
 * and what the value looks like.
 */
import { classifyNamedValue, detectCredentialShape, nameWords, scanConfigText, type CredentialHit } from './detector.js';

export interface ArgumentHit {
  /** index of the argument holding the value */
  index: number;
  /** 1-based line within a multi-line argument (a script); absent for one-line arguments */
  line?: number;
  /** the flag (`--db-password`) or variable (`DB_PASSWORD`) that names the value, when one does */
  name?: string;
  hit: CredentialHit;
}

/** Characters of one argument the detectors read: a longer argument is judged on its start. */
export const MAX_ARGUMENT_LENGTH = 64 * 1024;

/** `--name=value`, `-name=value` */
const FLAG_WITH_VALUE = /^--?([A-Za-z][\w.-]*)=([\s\S]*)$/;
/** `--name` alone: its value may be the next argument */
const BARE_FLAG = /^--?([A-Za-z][\w.-]*)$/;
/** `KEY=value`: a variable assignment in a script (`export KEY=value`, `KEY=value cmd`), or a `key=value` argument (`--set db.password=...`) */
const ASSIGNMENT = /^([A-Za-z_][\w.-]*)=([\s\S]*)$/;
/** `key=value` inside a flag's value (`--from-literal=password=...`, `--set db.password=...`) */
const INNER_PAIR = /^([A-Za-z_][\w.-]*)=([\s\S]+)$/;
/**
 * Last words of flags that take no credential as their value: `--password-stdin` reads it
 * from standard input, `--ask-password` prompts for it.
 */
const NO_VALUE_FLAG_WORDS = new Set(['stdin', 'prompt', 'interactive', 'ask', 'from', 'env', 'file']);

function unquote(token: string): string {
  const first = token[0];
  if ((first === '"' || first === "'") && token.endsWith(first) && token.length >= 2) return token.slice(1, -1);
  return token;
}

/** The value of a `--flag=value`: named by the flag, or by the key of an inner `key=value` pair. */
function classifyFlag(flag: string, value: string): { name: string; hit: CredentialHit } | undefined {
  const hit = classify(flag, value);
  if (hit) return { name: flag, hit };
  const inner = INNER_PAIR.exec(value);
  if (inner) {
    const innerHit = classify(inner[1]!, inner[2]!);
    if (innerHit) return { name: inner[1]!, hit: innerHit };
  }
  return undefined;
}

/** True when a bare flag's next token can be its value: a credential-like name that takes a value. */
function takesCredentialValue(flag: string): boolean {
  const words = nameWords(flag);
  const last = words[words.length - 1];
  return last !== undefined && !NO_VALUE_FLAG_WORDS.has(last);
}

/** An object name (`tls-certs`, `ingress/tls-certs`): what `--tls-secret` and `--ca-secret` usually name, a Secret object rather than a value. */
const SECRET_OBJECT_NAME = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\/)?[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/;

/** classifyNamedValue, except for a flag or variable ending in `secret` whose value names a Secret object (with a `-` or `/`). */
function classify(name: string, raw: string): CredentialHit | undefined {
  // A script's `KEY="value"` keeps its quotes in the word.
  const value = unquote(raw);
  const hit = classifyNamedValue(name, value);
  if (hit?.kind !== 'credential-name') return hit;
  const last = nameWords(name).at(-1);
  if ((last === 'secret' || last === 'secrets') && SECRET_OBJECT_NAME.test(value.trim()) && /[-/]/.test(value)) return undefined;
  return hit;
}

/** Hits in a list of tokens (the arguments of a command line, or the words of a script line). */
function scanTokens(tokens: readonly string[]): Array<{ token: number; name?: string; hit: CredentialHit }> {
  const hits: Array<{ token: number; name?: string; hit: CredentialHit }> = [];
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const withValue = FLAG_WITH_VALUE.exec(token);
    if (withValue) {
      const found = classifyFlag(withValue[1]!, withValue[2]!);
      if (found) {
        // The flag as written (`--db-password`, `-password`), or the inner pair's key.
        hits.push({ token: index, hit: found.hit, name: found.name === withValue[1] ? token.slice(0, token.indexOf('=')) : found.name });
        continue;
      }
    }
    const bare = BARE_FLAG.exec(token);
    const next = tokens[index + 1];
    if (bare && next !== undefined && !next.startsWith('-') && takesCredentialValue(bare[1]!)) {
      const hit = classify(bare[1]!, next);
      if (hit) {
        hits.push({ token: index + 1, name: token, hit });
        index++;
        continue;
      }
    }
    const assignment = ASSIGNMENT.exec(token);
    if (assignment) {
      const hit = classify(assignment[1]!, assignment[2]!);
      if (hit) {
        hits.push({ token: index, name: assignment[1]!, hit });
        continue;
      }
    }
    const shape = detectCredentialShape(token);
    if (shape) hits.push({ token: index, hit: shape });
  }
  return hits;
}

/** The words of a script line, split on blanks, each without its surrounding quotes. */
function words(line: string): string[] {
  return (line.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map(unquote);
}

/**
 * Credentials in a command line (`command` or `args`): at most one hit per argument, and
 * per line of a multi-line argument.
 */
export function scanCommandLine(args: readonly unknown[]): ArgumentHit[] {
  const tokens = args.map((arg) => (typeof arg === 'string' ? arg.slice(0, MAX_ARGUMENT_LENGTH) : ''));
  const hits: ArgumentHit[] = [];
  const seen = new Set<number>();
  // Scripts (several lines) are read line by line below.
  for (const found of scanTokens(tokens.map((token) => (token.trim().includes('\n') ? '' : token)))) {
    if (seen.has(found.token)) continue;
    seen.add(found.token);
    hits.push({ index: found.token, ...(found.name !== undefined ? { name: found.name } : {}), hit: found.hit });
  }
  // Scripts and other arguments with blanks: line by line, as words and as config lines.
  tokens.forEach((token, index) => {
    if (seen.has(index) || !/\s/.test(token.trim())) return;
    const multiline = token.trim().includes('\n');
    const lines = token.split(/\r?\n/);
    const configHits = new Map(scanConfigText(token).map((hit) => [hit.line, hit]));
    lines.forEach((text, lineIndex) => {
      if (/^\s*#/.test(text)) return;
      const wordHit = scanTokens(words(text))[0];
      const configHit = configHits.get(lineIndex + 1);
      const found = wordHit ? { name: wordHit.name, hit: wordHit.hit } : configHit ? { name: configHit.key, hit: configHit.hit } : undefined;
      if (!found) return;
      hits.push({ index, ...(multiline ? { line: lineIndex + 1 } : {}), ...(found.name !== undefined ? { name: found.name } : {}), hit: found.hit });
    });
  });
  return hits.sort((a, b) => a.index - b.index || (a.line ?? 0) - (b.line ?? 0));
}
