/**
 * The pure half of `palisade fix`: which edits a finding's check proposes, the same edits
 * applied to a plain object (to rescan what a Kustomize patch would give), and a strategic
 * merge patch that carries them into a Kustomize overlay.
 */
import { extractWorkload } from '../kinds/pod-spec.js';
import type { AnyCheck, FixEdit } from '../model/check.js';
import type { Finding } from '../model/finding.js';
import type { Path } from '../model/location.js';
import { formatPath } from '../model/location.js';
import type { KubeObject } from '../model/resource.js';
import { asRecord } from '../model/values.js';

/** The edits a finding's check proposes on its object; none when the check has no fix for it. */
export function fixEdits(check: AnyCheck, object: KubeObject, finding: Pick<Finding, 'messageId' | 'container' | 'data'>): readonly FixEdit[] {
  if (!check.fix) return [];
  return check.fix.edits(
    { object, workload: extractWorkload(object) },
    {
      ...(finding.messageId !== undefined ? { messageId: finding.messageId } : {}),
      ...(finding.container !== undefined ? { container: finding.container } : {}),
      ...(finding.data !== undefined ? { data: finding.data } : {}),
    },
  );
}

/** One string per distinct edit, to make each edit once when several findings propose it. */
export function editKey(edit: FixEdit): string {
  return JSON.stringify([edit.kind, edit.path, edit.kind === 'set' ? edit.value : edit.comment]);
}

/** A deep copy of a plain object with the `set` edits made (`todo` comments change no value). */
export function withEdits(object: KubeObject, edits: readonly FixEdit[]): KubeObject {
  const copy = structuredClone(object) as KubeObject;
  for (const edit of edits) {
    if (edit.kind !== 'set') continue;
    let node: Record<string | number, unknown> = copy;
    edit.path.forEach((segment, index) => {
      if (index === edit.path.length - 1) {
        node[segment] = Array.isArray(edit.value) ? [...edit.value] : edit.value;
        return;
      }
      const next = node[segment];
      if (next === null || typeof next !== 'object') node[segment] = {};
      node = node[segment] as Record<string | number, unknown>;
    });
  }
  return copy;
}

/** The lists of a pod spec that strategic merge patches merge by `name`. */
const MERGED_BY_NAME = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** What an overlay's kustomization.yaml changes about names: its patches address objects without it. */
export interface KustomizeOverlay {
  namePrefix?: string;
  nameSuffix?: string;
  namespace?: string;
}

export type PatchResult = { patch: KubeObject; todos: string[] } | { problem: string };

/**
 * A strategic merge patch (the kind `kustomize` applies from an overlay's `patches:`) making
 * the `set` edits on `object`: its apiVersion, kind and name, and only the fields set;
 * containers are named, as the patch merges them by name. `todo` edits cannot be expressed as a
 * value: they come back as comments for the patch file.
 */
export function strategicMergePatch(object: KubeObject, edits: readonly FixEdit[], overlay: KustomizeOverlay = {}): PatchResult {
  const metadata = asRecord(object.metadata) ?? {};
  let name = typeof metadata.name === 'string' ? metadata.name : '';
  // Kustomize matches an overlay's patches before its own transformers run: by the name without
  // its namePrefix and nameSuffix, and by the namespace its resources had before `namespace:`.
  const prefix = overlay.namePrefix ?? '';
  const suffix = overlay.nameSuffix ?? '';
  if (prefix !== '' && name.startsWith(prefix)) name = name.slice(prefix.length);
  if (suffix !== '' && name.endsWith(suffix)) name = name.slice(0, name.length - suffix.length);
  const namespace = overlay.namespace === undefined && typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  const patch: KubeObject = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name, ...(namespace !== undefined ? { namespace } : {}) },
  };
  const todos: string[] = [];
  for (const edit of edits) {
    const where = containerPath(object, edit.path);
    if (typeof where === 'string') return { problem: where };
    if (edit.kind === 'todo') {
      todos.push(`${edit.comment} (${where.label})`);
      continue;
    }
    let node: Record<string, unknown> = patch;
    where.steps.forEach((step, index) => {
      const last = index === where.steps.length - 1;
      if (typeof step === 'string') {
        if (last) node[step] = Array.isArray(edit.value) ? [...edit.value] : edit.value;
        else node = (asRecord(node[step]) ?? (node[step] = {})) as Record<string, unknown>;
        return;
      }
      // { list, name }: the item of the list with that name.
      const list = (Array.isArray(node[step.list]) ? node[step.list] : (node[step.list] = [])) as Array<Record<string, unknown>>;
      let item = list.find((entry) => entry.name === step.name);
      if (!item) list.push((item = { name: step.name }));
      node = item;
    });
  }
  return { patch, todos };
}

type Step = string | { list: string; name: string };

/** The path with container indices replaced by names; a message when it goes through another list. */
function containerPath(object: KubeObject, path: Path): { steps: Step[]; label: string } | string {
  const steps: Step[] = [];
  let node: unknown = object;
  let label = formatPath(path);
  for (let index = 0; index < path.length; index++) {
    const segment = path[index]!;
    if (typeof segment === 'number') {
      const list = path[index - 1];
      const item = Array.isArray(node) ? asRecord(node[segment]) : undefined;
      const name = item?.name;
      if (typeof list !== 'string' || !MERGED_BY_NAME.has(list) || typeof name !== 'string') return `${formatPath(path)} goes through a list a strategic merge patch cannot address by name`;
      steps.pop();
      steps.push({ list, name });
      label = `container "${name}"`;
    } else {
      steps.push(segment);
    }
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[segment] : undefined;
  }
  return { steps, label };
}
