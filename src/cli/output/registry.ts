import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';
import { writeOutput, type Rendered } from './write.js';

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

export function renderContext(io: Pick<CommandIO, 'color' | 'cwd' | 'version' | 'now'>, options: { color?: boolean } = {}): RenderContext {
  return { color: options.color ?? io.color, cwd: io.cwd, version: io.version, now: io.now() };
}

/** Renders the value in the chosen format and writes it to stdout in batched chunks. */
export async function writeRendered<T>(io: CommandIO, output: ChosenOutput<T>, value: T, context: RenderContext = renderContext(io)): Promise<void> {
  await writeOutput(io, await output.render(value, context));
}
