import { statSync } from 'node:fs';
import path from 'node:path';
import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';
import { writeFileAtomically, writeOutput, type Rendered } from './write.js';

export type { Rendered } from './write.js';

/** What every renderer may use besides the value it renders. */
export interface RenderContext {
  color: boolean;
  /** directory that file paths are relative to (SARIF uses it) */
  cwd: string;
  /** the palisade version, for generator fields */
  version: string;
  now: Date;
  /** Markdown of a scan report: the largest output in UTF-8 bytes (0: no cap); absent, the formatter's default */
  maxMarkdownBytes?: number;
  /** a scan report's table: one line per check instead of every finding (`--summary`) */
  summaryOnly?: boolean;
}

/** One format of one result type: the value in, text (or chunks of it) out. */
export type Render<T> = (value: T, context: RenderContext) => Rendered | Promise<Rendered>;

/**
 * The output formats of one result type (a scan report, an image inventory, an RBAC view, a
 * network matrix...): the formats it supports, in the order `--help` and errors list them, how
 * each renders, and which one `-o` defaults to.
 */
export interface OutputFormats<T> {
  /** the subcommand these formats belong to, when its siblings take other formats (`graph`, `matrix`) */
  readonly scope?: string;
  readonly default: string;
  readonly formats: Readonly<Record<string, Render<T>>>;
}

export function defineOutputs<T>(outputs: OutputFormats<T>): OutputFormats<T> {
  if (!Object.hasOwn(outputs.formats, outputs.default)) throw new Error(`default output format "${outputs.default}" is not one of the formats`);
  return outputs;
}

export function formatNames(outputs: OutputFormats<never>): string[] {
  return Object.keys(outputs.formats);
}

/** "table, json, yaml": the formats as help lists them. */
export function formatList(outputs: OutputFormats<never>, separator = ', '): string {
  return formatNames(outputs).join(separator);
}

/** "table, json or markdown". */
export function formatChoice(outputs: OutputFormats<never>): string {
  const names = formatNames(outputs);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
}

export interface ChosenOutput<T> {
  readonly name: string;
  readonly render: Render<T>;
  /** where `-o FORMAT=FILE` writes it (resolved against the working directory); absent: stdout */
  readonly file?: string;
}

/** The format `-o` names (its default when absent), or the usage error that lists the formats. */
export function chooseOutput<T>(outputs: OutputFormats<T>, name: string | undefined): ChosenOutput<T> {
  const chosen = name ?? outputs.default;
  const render = Object.hasOwn(outputs.formats, chosen) ? outputs.formats[chosen] : undefined;
  if (!render) {
    const allowed = outputs.scope ? `${outputs.scope}: -o must be ${formatChoice(outputs)}` : `one of ${formatList(outputs)}`;
    throw new UsageError(`unknown output format "${chosen}" (${allowed})`);
  }
  return { name: chosen, render };
}

/**
 * Every `-o` of a command line: `-o table -o sarif=palisade.sarif -o junit=report.xml` renders
 * one result in several formats in one run. At most one goes to stdout; each file is named
 * once. None given: the default format, on stdout.
 */
export function chooseOutputs<T>(outputs: OutputFormats<T>, specs: string | readonly string[] | undefined, cwd = process.cwd()): ChosenOutput<T>[] {
  const list = specs === undefined ? [] : typeof specs === 'string' ? [specs] : specs;
  if (list.length === 0) return [chooseOutput(outputs, undefined)];
  const chosen: ChosenOutput<T>[] = [];
  const files = new Set<string>();
  for (const spec of list) {
    const at = spec.indexOf('=');
    if (at < 0) {
      if (chosen.some((item) => item.file === undefined)) throw new UsageError(`-o ${spec}: only one output may go to standard output (write the others to files: -o FORMAT=FILE)`);
      chosen.push(chooseOutput(outputs, spec));
      continue;
    }
    const name = spec.slice(0, at);
    const file = spec.slice(at + 1);
    if (file === '') throw new UsageError(`-o ${spec}: no file name after "="`);
    const resolved = path.resolve(cwd, file);
    if (files.has(resolved)) throw new UsageError(`-o ${spec}: ${file} is named by more than one -o`);
    files.add(resolved);
    // Checked before any work: a long scan should not end on a typo in the file's folder.
    if (!statSync(path.dirname(resolved), { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`-o ${spec}: no such directory ${path.dirname(file) || '.'}`);
    chosen.push({ ...chooseOutput(outputs, name), file: resolved });
  }
  return chosen;
}

export function renderContext(io: Pick<CommandIO, 'color' | 'cwd' | 'version' | 'now'>, options: { color?: boolean } = {}): RenderContext {
  return { color: options.color ?? io.color, cwd: io.cwd, version: io.version, now: io.now() };
}

/**
 * Renders the value in the chosen format and writes it to stdout in batched chunks, or to the
 * output's file: written beside it under a temporary name and renamed into place, so a reader
 * never sees half a report and a failed run leaves the old file. Files are never coloured.
 */
export async function writeRendered<T>(io: CommandIO, output: ChosenOutput<T>, value: T, context: RenderContext = renderContext(io)): Promise<void> {
  if (output.file === undefined) {
    await writeOutput(io, await output.render(value, context));
    return;
  }
  await writeFileAtomically(output.file, await output.render(value, { ...context, color: false }));
}

/** Each chosen output in turn (files first, so stdout's reader sees the files complete). */
export async function writeAllRendered<T>(io: CommandIO, outputs: readonly ChosenOutput<T>[], value: T, context: RenderContext = renderContext(io)): Promise<void> {
  const ordered = [...outputs.filter((output) => output.file !== undefined), ...outputs.filter((output) => output.file === undefined)];
  for (const output of ordered) await writeRendered(io, output, value, context);
}

/** "json" or "json, sarif=palisade.sarif": the outputs as an error message names them. */
export function describeOutputs(outputs: readonly Pick<ChosenOutput<never>, "name" | "file">[]): string {
  return outputs.map((output) => (output.file === undefined ? output.name : `${output.name}=${output.file}`)).join(', ');
}
