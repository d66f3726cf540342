import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { InputError } from '../../core/model/finding.js';

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

type Rendered = { text: string; label: string } | { error: InputError };

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
  const label = `${directory} (kustomize)`;
  for (const [program, args] of [
    ['kubectl', ['kustomize', directory]],
    ['kustomize', ['build', directory]],
  ] as const) {
    const result = await run(program, [...args]);
    if ('missing' in result) continue;
    if ('failed' in result) return { error: { code: 'render-error', message: `${program} ${args[0]} failed: ${result.failed}`, file: directory } };
    return { text: result.stdout, label };
  }
  return { error: { code: 'missing-program', message: 'this is a Kustomize directory: install kubectl or kustomize to render it', file: directory } };
}

/** `helm template` with --values and --set passed through. */
export async function renderHelm(directory: string, options: HelmOptions): Promise<Rendered> {
  const args = ['template', options.releaseName ?? 'release', directory];
  if (options.namespace) args.push('--namespace', options.namespace);
  for (const file of options.values ?? []) args.push('--values', file);
  for (const assignment of options.set ?? []) args.push('--set', assignment);
  const result = await run('helm', args);
  if ('missing' in result) return { error: { code: 'missing-program', message: 'this is a Helm chart: install helm to render it', file: directory } };
  if ('failed' in result) return { error: { code: 'render-error', message: `helm template failed: ${result.failed}`, file: directory } };
  return { text: result.stdout, label: `${directory} (helm template)` };
}
