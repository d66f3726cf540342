import type { VapTranslation } from './translation.js';

/** A secret volume, or a projected volume with a secret source. */
const HOLDS_SECRET = '(has(v.secret) || v.?projected.?sources.orValue([]).exists(s, has(s.secret)))';
/** Some container (init, app or ephemeral) mounts the volume. */
const MOUNTED = 'variables.containers.exists(c, c.?volumeMounts.orValue([]).exists(m, m.name == v.name))';

export default {
  id: 'secret-volume-unmounted',
  matches: 'workloads',
  validations: () => [
    {
      expression: `variables.podSpec.?volumes.orValue([]).all(v, !${HOLDS_SECRET} || ${MOUNTED})`,
      message: 'a volume of the pod holds a Secret but no container mounts it',
    },
  ],
} satisfies VapTranslation;
