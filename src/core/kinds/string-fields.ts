import type { Path } from '../model/location.js';
import type { KubeObject } from '../model/resource.js';
import { asArray, asRecord, getPath } from '../model/values.js';
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

function wrong(value: unknown): boolean {
  return value !== undefined && value !== null && typeof value !== 'string';
}

/** Every listed field of the object whose value is not a string, in document order of the listing above. */
export function nonStringFields(object: KubeObject): NotAString[] {
  const out: NotAString[] = [];
  // Values are read from their parent; a path is built only for a value that is wrong (rare),
  // so a scan of many objects allocates nothing here.
  const field = (parent: Record<string, unknown> | undefined, base: Path, name: string | number) => {
    const value = parent?.[name];
    if (wrong(value)) out.push({ path: [...base, name], value });
  };
  const stringMap = (map: Record<string, unknown> | undefined, base: Path) => {
    if (map) for (const key in map) if (wrong(map[key])) out.push({ path: [...base, key], value: map[key] });
  };
  const meta = (path: Path) => {
    const metadata = asRecord(getPath(object, path));
    if (!metadata) return;
    for (const name of META_STRINGS) field(metadata, path, name);
    for (const name of META_MAPS) stringMap(asRecord(metadata[name]), [...path, name]);
  };
  const kind = typeof object.kind === 'string' ? object.kind : '';
  meta(['metadata']);
  if (kind === 'ConfigMap') stringMap(asRecord(object.data), ['data']);
  if (kind === 'Secret') {
    stringMap(asRecord(object.data), ['data']);
    stringMap(asRecord(object.stringData), ['stringData']);
  }
  if (kind === 'Service') stringMap(asRecord(asRecord(object.spec)?.selector), ['spec', 'selector']);
  const template = podTemplatePaths(kind);
  if (template) {
    if (kind !== 'Pod') {
      stringMap(asRecord(asRecord(asRecord(object.spec)?.selector)?.matchLabels), ['spec', 'selector', 'matchLabels']);
      meta(template.metadata);
    }
    const spec = asRecord(getPath(object, template.spec));
    stringMap(asRecord(spec?.nodeSelector), [...template.spec, 'nodeSelector']);
    field(spec, template.spec, 'serviceAccountName');
    for (const list of CONTAINER_LISTS) {
      const containers = spec?.[list];
      if (!Array.isArray(containers)) continue;
      containers.forEach((item, index) => {
        const container = asRecord(item);
        if (!container) return;
        const path = (): Path => [...template.spec, list, index];
        if (wrong(container.name)) out.push({ path: [...path(), 'name'], value: container.name });
        if (wrong(container.image)) out.push({ path: [...path(), 'image'], value: container.image });
        const env = container.env;
        if (!Array.isArray(env)) return;
        env.forEach((entry, envIndex) => {
          const variable = asRecord(entry);
          if (variable && wrong(variable.name)) out.push({ path: [...path(), 'env', envIndex, 'name'], value: variable.name });
          if (variable && wrong(variable.value)) out.push({ path: [...path(), 'env', envIndex, 'value'], value: variable.value });
        });
      });
    }
  }
  if (kind === 'StatefulSet') asArray(getPath(object, ['spec', 'volumeClaimTemplates'])).forEach((_claim, index) => meta(['spec', 'volumeClaimTemplates', index, 'metadata']));
  return out;
}
