import type { Path } from '../model/location.js';
import type { KubeObject } from '../model/resource.js';
import { asArray, asRecord } from '../model/values.js';
import { podTemplatePaths } from './pod-spec.js';

/**
 * Fields the Kubernetes API declares as strings (or maps of strings) where YAML 1.1 readily
 * produces something else: `name: on` is a boolean, `build: 123` a number. The API server
 * refuses such an object ("cannot unmarshal bool into Go struct field ... of type string"),
 * so a manifest that reads this way is not the object its author meant. Map keys are not
 * listed: kubectl turns a boolean or number key into its text (`yes:` -> "true") itself.
 * A null is not listed either: Kubernetes reads it as the empty string (or no value).
 *
 * Validated (the list the README gives):
 * - ObjectMeta `name`, `namespace`, `generateName`, and the values of `labels` and
 *   `annotations`, on every object, on the pod template of every workload kind and on a
 *   StatefulSet's `volumeClaimTemplates`;
 * - ConfigMap `data`, Secret `data` and `stringData` values;
 * - Service `spec.selector` and workload `spec.selector.matchLabels` values, the pod's
 *   `nodeSelector` values and `serviceAccountName`;
 * - each container's (init, ephemeral) `name`, `image` and `env[].name` / `env[].value`.
 */
export interface NotAString {
  path: Path;
  value: unknown;
}

const META_STRINGS = ['name', 'namespace', 'generateName'] as const;
const META_MAPS = ['labels', 'annotations'] as const;
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

function at(object: unknown, path: Path): unknown {
  let node = object;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function wrong(value: unknown): boolean {
  return value !== undefined && value !== null && typeof value !== 'string';
}

/** Every listed field of the object whose value is not a string, in document order of the listing above. */
export function nonStringFields(object: KubeObject): NotAString[] {
  const out: NotAString[] = [];
  const field = (path: Path) => {
    const value = at(object, path);
    if (wrong(value)) out.push({ path, value });
  };
  const stringMap = (path: Path) => {
    const map = asRecord(at(object, path));
    if (map) for (const [key, value] of Object.entries(map)) if (wrong(value)) out.push({ path: [...path, key], value });
  };
  const meta = (path: Path) => {
    for (const name of META_STRINGS) field([...path, name]);
    for (const name of META_MAPS) stringMap([...path, name]);
  };
  const kind = typeof object.kind === 'string' ? object.kind : '';
  meta(['metadata']);
  if (kind === 'ConfigMap') stringMap(['data']);
  if (kind === 'Secret') {
    stringMap(['data']);
    stringMap(['stringData']);
  }
  if (kind === 'Service') stringMap(['spec', 'selector']);
  const template = podTemplatePaths(kind);
  if (template) {
    if (kind !== 'Pod') {
      stringMap(['spec', 'selector', 'matchLabels']);
      meta(template.metadata);
    }
    stringMap([...template.spec, 'nodeSelector']);
    field([...template.spec, 'serviceAccountName']);
    const spec = asRecord(at(object, template.spec));
    for (const list of CONTAINER_LISTS) {
      asArray(spec?.[list]).forEach((_container, index) => {
        const path = [...template.spec, list, index];
        field([...path, 'name']);
        field([...path, 'image']);
        asArray(at(object, [...path, 'env'])).forEach((_variable, envIndex) => {
          field([...path, 'env', envIndex, 'name']);
          field([...path, 'env', envIndex, 'value']);
        });
      });
    }
  }
  if (kind === 'StatefulSet') asArray(at(object, ['spec', 'volumeClaimTemplates'])).forEach((_claim, index) => meta(['spec', 'volumeClaimTemplates', index, 'metadata']));
  return out;
}
