import { defineCheck } from '../model/check.js';
import { asRecord, asStringRecord } from '../model/values.js';
import { inheritedBy } from './support/inheritance.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** Values the deprecated annotation may take under Pod Security baseline. */
function allowedAnnotationValue(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

function describe(type: unknown): string {
  return typeof type === 'string' ? `appArmorProfile.type: ${type}` : 'an appArmorProfile without a type';
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
  *evaluate({ workload }) {
    if (!workload) return;
    const podProfile = asRecord(workload.podSecurityContext.appArmorProfile);
    if (podProfile && !allowedType(podProfile.type)) {
      yield {
        path: [...workload.podSecurityContextPath, 'appArmorProfile', 'type'],
        message: `the pod sets ${describe(podProfile.type)}${inheritedBy(workload, 'appArmorProfile')}`,
      };
    }
    for (const container of workload.containers) {
      const profile = asRecord(container.securityContext.appArmorProfile);
      if (profile && !allowedType(profile.type)) {
        yield {
          path: [...container.securityContextPath, 'appArmorProfile', 'type'],
          message: `container "${container.name}" sets ${describe(profile.type)}`,
          container: container.name,
        };
      }
    }
    // Pod Security checks every annotation with the prefix, whether or not the container exists.
    const names = new Set(workload.containers.map((container) => container.name));
    for (const [key, value] of Object.entries(asStringRecord(workload.podMetadata.annotations))) {
      if (!key.startsWith(ANNOTATION_PREFIX) || allowedAnnotationValue(value)) continue;
      const name = key.slice(ANNOTATION_PREFIX.length);
      yield {
        path: [...workload.podMetadataPath, 'annotations', key],
        message: names.has(name) ? `container "${name}" has the annotation ${key}: "${value}"` : `the annotation ${key} is "${value}" (no container is named "${name}")`,
        ...(names.has(name) ? { container: name } : {}),
      };
    }
  },
});
