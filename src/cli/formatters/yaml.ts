import jsyaml from 'js-yaml';
import type { StringFormatter } from './types.js';

export const formatYaml: StringFormatter = (report) => jsyaml.dump(JSON.parse(JSON.stringify(report)), { noRefs: true, lineWidth: 120 });
