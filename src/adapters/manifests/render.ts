import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { InputError } from '../../core/model/finding.js';
import type { Source } from '../../core/model/source.js';

export interface HelmOptions {
  values?: string[];
  set?: string[];
  releaseName?: string;
  namespace?: string;
}

const RENDER_TIMEOUT_MS = 120_000;
const RENDER_MAX_BYTES = 256 * 1024 * 1024;

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

export async function isKustomization(directory: string): Promise<boolean> {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) if (await exists(path.join(directory, name))) return true;
  return false;
}

export async function isHelmChart(directory: string): Promise<boolean> {
  return exists(path.join(directory, 'Chart.yaml'));
}

/** Rendered YAML, in parts that each carry the source findings in them are reported under. */
export type Rendered = { parts: RenderedPart[] } | { error: InputError };
export interface RenderedPart {
  text: string;
  source: Source;
}

function run(program: string, args: string[]): Promise<{ stdout: string } | { missing: true } | { failed: string }> {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: RENDER_TIMEOUT_MS, maxBuffer: RENDER_MAX_BYTES, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') resolve({ missing: true });
      else if (error) resolve({ failed: (stderr || error.message).trim().split('\n').slice(0, 5).join('\n') });
      else resolve({ stdout });
    });
  });
}

/** `kubectl kustomize DIR`, else `kustomize build DIR`. */
export async function renderKustomize(directory: string): Promise<Rendered> {
  const source: Source = { kind: 'rendered', renderer: 'kustomize', directory };
  for (const [program, args] of [
    ['kubectl', ['kustomize', directory]],
    ['kustomize', ['build', directory]],
  ] as const) {
    const result = await run(program, [...args]);
    if ('missing' in result) continue;
    if ('failed' in result) return { error: { code: 'render-error', message: `${program} ${args[0]} failed: ${result.failed}`, file: directory } };
    return { parts: [{ text: result.stdout, source }] };
  }
  return { error: { code: 'missing-program', message: 'this is a Kustomize directory: neither kubectl nor kustomize is on PATH; install one of them to render it', file: directory } };
}

/** `helm template` with --values and --set passed through. */
export async function renderHelm(directory: string, options: HelmOptions): Promise<Rendered> {
  const args = ['template', options.releaseName ?? 'release', directory];
  if (options.namespace) args.push('--namespace', options.namespace);
  for (const file of options.values ?? []) args.push('--values', file);
  for (const assignment of options.set ?? []) args.push('--set', assignment);
  const result = await run('helm', args);
  if ('missing' in result) return { error: { code: 'missing-program', message: 'this is a Helm chart: helm is not on PATH; install helm to render it', file: directory } };
  if ('failed' in result) return { error: { code: 'render-error', message: `helm template failed: ${result.failed}`, file: directory } };
  return { parts: splitHelmOutput(result.stdout, directory) };
}

const HELM_SOURCE = /^# Source: (.+?)\s*$/;
const DOCUMENT_MARKER = /^---\s*$/;

/**
 * Splits `helm template` output by the template each document came from. Helm writes every
 * document as `---`, `# Source: <chart>/<path in chart>`, then the YAML; the part for one
 * template is its documents in output order, which is exactly what
 * `helm template CHART --show-only <path in chart>` prints, so lines in a part are lines of
 * that command's output. The source names the template file under the chart directory
 * (subcharts included: `<chart>/charts/<sub>/templates/x.yaml`). Documents without a
 * Source comment stay together under the chart directory, with no template.
 */
export function splitHelmOutput(text: string, directory: string): RenderedPart[] {
  const lines = text.split('\n');
  const groups = new Map<string, string[]>();
  const add = (source: string, documentLines: string[]): void => {
    let group = groups.get(source);
    if (!group) groups.set(source, (group = []));
    for (const line of documentLines) group.push(line);
  };
  let start = 0;
  for (let index = 1; index <= lines.length; index++) {
    if (index < lines.length && !DOCUMENT_MARKER.test(lines[index]!)) continue;
    const documentLines = lines.slice(start, index);
    const header = DOCUMENT_MARKER.test(documentLines[0] ?? '') ? documentLines[1] : documentLines[0];
    const source = HELM_SOURCE.exec(header ?? '')?.[1] ?? '';
    // Drop what only ends the stream (the newline after the last document).
    if (index === lines.length) while (documentLines.length > 0 && documentLines[documentLines.length - 1]!.trim() === '') documentLines.pop();
    if (documentLines.some((line) => line.trim() !== '')) add(source, documentLines);
    start = index;
  }
  return [...groups].map(([source, group]) => {
    const slash = source.indexOf('/');
    const text = `${group.join('\n')}\n`;
    if (source === '') return { text, source: { kind: 'rendered', renderer: 'helm', directory } };
    const template = path.join(directory, slash >= 0 ? source.slice(slash + 1) : source);
    return { text, source: { kind: 'rendered', renderer: 'helm', directory, template } };
  });
}
