import { writeFileSync } from 'node:fs';
import type { LoadResult } from '../adapters/manifests/documents.js';
import { loadSources } from '../adapters/manifests/files.js';
import type { CommandIO } from './io.js';
import { UsageError } from './usage-error.js';

/**
 * Where objects come from, the same on every command that reads manifests or a cluster:
 * manifests as arguments or -f, or --cluster with --context/--kubeconfig. Spread these into
 * parseArgs options; `-n/--namespace` is left to each command because its meaning differs
 * (scan: namespace for objects that name none; rbac/netpol: the namespace of the question).
 */
export const INPUT_OPTIONS = {
  filename: { type: 'string', short: 'f', multiple: true },
  values: { type: 'string', multiple: true },
  set: { type: 'string', multiple: true },
  'max-file-size': { type: 'string' },
  cluster: { type: 'boolean' },
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  exclude: { type: 'string', multiple: true },
  snapshot: { type: 'string' },
} as const;

export const INPUT_HELP = `  -f, --filename PATH        manifest file or directory (repeatable; same as a PATH argument)
      --values FILE          Helm values file (repeatable)
      --set KEY=VALUE        Helm value (repeatable)
      --max-file-size BYTES  refuse larger files (default 64 MiB)
      --cluster              read the live cluster of the current kubeconfig context instead of files
      --context NAME         kubeconfig context (with --cluster)
      --kubeconfig FILE      kubeconfig file (with --cluster; default KUBECONFIG, ~/.kube/config, in-cluster)
  -A, --all-namespaces       with --cluster: every namespace (the default unless -n is given)
      --exclude NS           with --cluster: skip a namespace (repeatable)
      --snapshot FILE        with --cluster: also save what was read (a JSON List, Secrets as
                             metadata only), to analyse the same state offline`;

export interface InputValues {
  filename?: string[];
  values?: string[];
  set?: string[];
  'max-file-size'?: string;
  cluster?: boolean;
  context?: string;
  kubeconfig?: string;
  'all-namespaces'?: boolean;
  exclude?: string[];
  snapshot?: string;
}

export interface InputScope {
  /** scan: the namespace given to objects that name none (kubectl apply -n). */
  defaultNamespace?: string;
  /** --cluster: read only this namespace (unless -A). */
  clusterNamespace?: string;
  /** The command's name for messages, e.g. 'palisade scan'. */
  command: string;
}

/** Reads the objects named by the input flags; usage errors for contradictory flags. */
export async function loadInputs(values: InputValues, positionals: string[], io: CommandIO, scope: InputScope): Promise<LoadResult> {
  const inputs = [...positionals, ...(values.filename ?? [])];
  if (values.cluster && inputs.length > 0) throw new UsageError('--cluster reads the cluster: give no manifests with it');
  if (!values.cluster && (values.context || values.kubeconfig || values.snapshot || values.exclude)) throw new UsageError('--context, --kubeconfig, --exclude and --snapshot need --cluster');
  if (!values.cluster && inputs.length === 0) throw new UsageError(`no manifests given: ${scope.command} PATH... (or - for stdin, or --cluster); see ${scope.command} --help`);
  let maxFileBytes: number | undefined;
  if (values['max-file-size'] !== undefined) {
    maxFileBytes = Number(values['max-file-size']);
    if (!Number.isInteger(maxFileBytes) || maxFileBytes <= 0) throw new UsageError('--max-file-size must be a positive number of bytes');
  }
  if (!values.cluster && (inputs.length > 1 || inputs[0] !== '-')) io.progress(`reading ${inputs.join(', ')}`);
  const loaded: LoadResult = values.cluster
    ? await readFromCluster(values, scope, io)
    : await loadSources(inputs, {
        ...(scope.defaultNamespace ? { defaultNamespace: scope.defaultNamespace } : {}),
        ...(maxFileBytes ? { maxFileBytes } : {}),
        helm: { ...(values.values ? { values: values.values } : {}), ...(values.set ? { set: values.set } : {}), ...(scope.defaultNamespace ? { namespace: scope.defaultNamespace } : {}) },
        stdin: io.stdin,
      });
  if (values.snapshot) {
    const list = { apiVersion: 'v1', kind: 'List', items: loaded.resources.map((resource) => resource.object) };
    try {
      writeFileSync(values.snapshot, `${JSON.stringify(list, null, 2)}\n`, { mode: 0o600 });
    } catch (error) {
      throw new UsageError(`cannot write the snapshot ${values.snapshot}: ${(error as Error).message}`);
    }
    io.progress(`saved ${loaded.resources.length} objects to ${values.snapshot}`);
  }
  return loaded;
}

async function readFromCluster(values: InputValues, scope: InputScope, io: CommandIO): Promise<LoadResult> {
  let read;
  try {
    // Loaded only for --cluster: the Kubernetes client is large, and file scans do not need it.
    const { readCluster } = await import('../adapters/cluster/read.js');
    read = await readCluster({
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      ...(scope.clusterNamespace && !values['all-namespaces'] ? { namespaces: [scope.clusterNamespace] } : {}),
      ...(values.exclude ? { excludeNamespaces: values.exclude } : {}),
      progress: (text) => io.progress(text),
    });
  } catch (error) {
    // Unreachable, unconfigured, refused credentials: one message saying which context, which server, what failed.
    const { ClusterUnavailable, describeFailure } = await import('../adapters/cluster/read.js');
    throw new UsageError(error instanceof ClusterUnavailable ? error.message : `cannot read the cluster: ${describeFailure(error)}`);
  }
  return { resources: read.resources, errors: read.errors, skipped: read.skipped };
}
