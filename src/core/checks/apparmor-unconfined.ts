import { defineCheck } from '../model/check.js';
import { asRecord, asStringRecord } from '../model/values.js';
import { heirMessages, inheritedBy } from './support/inheritance.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** Values the deprecated annotation may take under Pod Security baseline. */
function allowedAnnotationValue(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

/** Which message describes a profile: with its type, or without one. */
function describe<K extends string>(type: unknown, withType: K, withoutType: K): { id: K; data: { type?: string } } {
  return typeof type === 'string' ? { id: withType, data: { type } } : { id: withoutType, data: {} };
}

export default defineCheck({
  id: 'apparmor-unconfined',
  title: 'AppArmor explicitly disabled',
  severity: 'medium',
  category: 'pod-security',
  description:
    "On nodes with AppArmor the runtime confines every container with its default profile; an Unconfined profile removes that confinement (file, mount and capability rules), making escapes easier. The deprecated container.apparmor.security.beta.kubernetes.io annotations set to unconfined do the same wherever they are still honoured.",
  remediation: 'Remove the Unconfined profile and the annotation, or use appArmorProfile.type: RuntimeDefault, or Localhost with a profile loaded on the nodes.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    'https://kubernetes.io/docs/tutorials/security/apparmor/',
  ],
  standards: {
    pss: { level: 'baseline', control: 'AppArmor' },
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    ...heirMessages({ podType: 'the pod sets appArmorProfile.type: {{type}}', podNoType: 'the pod sets an appArmorProfile without a type' }),
    containerType: 'container "{{container}}" sets appArmorProfile.type: {{type}}',
    containerNoType: 'container "{{container}}" sets an appArmorProfile without a type',
    annotation: 'container "{{container}}" has the annotation {{key}}: "{{value}}"',
    orphanAnnotation: 'the annotation {{key}} is "{{value}}" (no container is named "{{container}}")',
  },
  *evaluate({ workload }) {
    if (!workload) return;
    const podProfile = asRecord(workload.podSecurityContext.appArmorProfile);
    if (podProfile && !allowedType(podProfile.type)) {
      const { id, data } = describe(podProfile.type, 'podType', 'podNoType');
      yield { path: [...workload.podSecurityContextPath, 'appArmorProfile', 'type'], ...inheritedBy(id, workload, 'appArmorProfile', data) };
    }
    for (const container of workload.containers) {
      const profile = asRecord(container.securityContext.appArmorProfile);
      if (profile && !allowedType(profile.type)) {
        const { id, data } = describe(profile.type, 'containerType', 'containerNoType');
        yield { path: [...container.securityContextPath, 'appArmorProfile', 'type'], messageId: id, data: { ...data, container: container.name }, container: container.name };
      }
    }
    // Pod Security checks every annotation with the prefix, whether or not the container exists.
    const names = new Set(workload.containers.map((container) => container.name));
    for (const [key, value] of Object.entries(asStringRecord(workload.podMetadata.annotations))) {
      if (!key.startsWith(ANNOTATION_PREFIX) || allowedAnnotationValue(value)) continue;
      const name = key.slice(ANNOTATION_PREFIX.length);
      yield {
        path: [...workload.podMetadataPath, 'annotations', key],
        messageId: names.has(name) ? 'annotation' : 'orphanAnnotation',
        data: { container: name, key, value },
        ...(names.has(name) ? { container: name } : {}),
      };
    }
  },
});
