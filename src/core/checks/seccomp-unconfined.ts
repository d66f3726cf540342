import { defineCheck } from '../model/check.js';
import { asRecord, asStringRecord } from '../model/values.js';
import { heirMessages, inheritedBy } from './support/inheritance.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** Values the deprecated annotations may take under Pod Security baseline. */
function allowedAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

export default defineCheck({
  id: 'seccomp-unconfined',
  title: 'Seccomp explicitly disabled',
  severity: 'medium',
  category: 'pod-security',
  description:
    'A seccomp profile of type Unconfined turns system call filtering off, even on nodes whose kubelet applies RuntimeDefault to every container (--seccomp-default), exposing the whole kernel interface. The deprecated seccomp annotations set to unconfined do the same wherever they are still honoured.',
  remediation: 'Remove the Unconfined profile (and the seccomp annotations) and set seccompProfile.type: RuntimeDefault, or Localhost with a profile that allows what the workload needs.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tutorials/security/seccomp/',
  ],
  standards: {
    pss: { level: 'baseline', control: 'Seccomp' },
    cis: ['5.7.2'],
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    ...heirMessages({ pod: 'the pod sets seccompProfile.type: Unconfined' }),
    container: 'container "{{container}}" sets seccompProfile.type: Unconfined',
    podAnnotation: 'the pod annotation {{key}} is "{{value}}"',
    containerAnnotation: 'container "{{container}}" has the annotation {{key}}: "{{value}}"',
  },
  *evaluate({ workload }) {
    if (!workload) return;
    if (asRecord(workload.podSecurityContext.seccompProfile)?.type === 'Unconfined') {
      yield {
        path: [...workload.podSecurityContextPath, 'seccompProfile', 'type'],
        ...inheritedBy('pod', workload, 'seccompProfile'),
      };
    }
    for (const container of workload.containers) {
      if (asRecord(container.securityContext.seccompProfile)?.type === 'Unconfined') {
        yield {
          path: [...container.securityContextPath, 'seccompProfile', 'type'],
          messageId: 'container',
          data: { container: container.name },
          container: container.name,
        };
      }
    }
    const annotations = asStringRecord(workload.podMetadata.annotations);
    const annotationsPath = [...workload.podMetadataPath, 'annotations'];
    const podValue = annotations[POD_ANNOTATION];
    if (podValue !== undefined && !allowedAnnotationValue(podValue)) {
      yield { path: [...annotationsPath, POD_ANNOTATION], messageId: 'podAnnotation', data: { key: POD_ANNOTATION, value: podValue } };
    }
    for (const container of workload.containers) {
      const key = CONTAINER_ANNOTATION_PREFIX + container.name;
      const value = annotations[key];
      if (value !== undefined && !allowedAnnotationValue(value)) {
        yield { path: [...annotationsPath, key], messageId: 'containerAnnotation', data: { container: container.name, key, value }, container: container.name };
      }
    }
  },
});
