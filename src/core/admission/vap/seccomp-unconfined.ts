import type { VapTranslation } from './translation.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const allowedValue = (v: string) => `(${v} in ['runtime/default', 'docker/default'] || ${v}.startsWith('localhost/'))`;

export default {
  id: 'seccomp-unconfined',
  matches: 'workloads',
  validations: () => [
    {
      expression:
        "variables.podSecurityContext.?seccompProfile.?type.orValue('') != 'Unconfined' && variables.containers.all(c, c.?securityContext.?seccompProfile.?type.orValue('') != 'Unconfined')",
      message: 'the pod or a container sets seccompProfile.type: Unconfined',
    },
    {
      expression:
        `variables.podMeta.?annotations.orValue({}).all(k, !(k == '${POD_ANNOTATION}' || variables.containers.exists(c, k == '${CONTAINER_ANNOTATION_PREFIX}' + c.name))` +
        ` || ${allowedValue('variables.podMeta.annotations[k]')})`,
      message: 'a seccomp annotation of the pod asks for another profile than runtime/default, docker/default or localhost/*',
    },
  ],
} satisfies VapTranslation;
