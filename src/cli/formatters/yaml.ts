import jsyaml from 'js-yaml';
import type { Formatter } from './types.js';

export const formatYaml: Formatter = (report) => jsyaml.dump(JSON.parse(JSON.stringify(report)), { noRefs: true, lineWidth: 120 });
