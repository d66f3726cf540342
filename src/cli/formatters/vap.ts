import jsyaml from 'js-yaml';
import type { VapExport } from '../../core/admission/vap/policies.js';
import { defineOutputs } from '../output/registry.js';

/** The policies and bindings: a YAML stream (kubectl apply -f -), or a JSON v1 List. */
export const VAP_OUTPUTS = defineOutputs<VapExport>({
  default: 'yaml',
  formats: {
    yaml: (value) => value.objects.map((object) => `---\n${jsyaml.dump(object, { noRefs: true, lineWidth: -1 })}`).join(''),
    json: (value) => `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: value.objects }, null, 2)}\n`,
  },
});
