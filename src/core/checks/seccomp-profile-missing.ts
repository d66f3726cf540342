import { defineCheck } from '../model/check.js';
import { asRecord, asString } from '../model/values.js';
import { declaresWindows } from '../pod-security/pods.js';

export default defineCheck({
  id: 'seccomp-profile-missing',
  title: 'Container runs without a seccomp profile',
  severity: 'low',
  category: 'pod-security',
  description:
    'Unless the kubelet runs with --seccomp-default, a container without a seccomp profile runs Unconfined and can call every system call, the kernel attack surface most container escapes use. Containers inherit the pod-level seccompProfile unless they set their own.',
  remediation: 'Set securityContext.seccompProfile.type: RuntimeDefault (or Localhost with a profile) once at the pod level, or on every container.',
  references: [
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
    'https://kubernetes.io/docs/tutorials/security/seccomp/',
  ],
  standards: {
    pss: { level: 'restricted', control: 'Seccomp' },
    cis: ['5.7.2'],
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: {
    missing: 'container "{{container}}" has no seccomp profile: neither it nor the pod sets seccompProfile.type',
    setsNoType: 'container "{{container}}" sets a seccompProfile without a type',
    inheritsNoType: 'container "{{container}}" inherits a seccompProfile without a type from the pod',
    setsType: 'container "{{container}}" sets the seccomp profile type "{{type}}", which is not RuntimeDefault or Localhost',
    inheritsType: 'container "{{container}}" inherits the seccomp profile type "{{type}}" from the pod, which is not RuntimeDefault or Localhost',
  },
  fix: {
    description:
      'Sets securityContext.seccompProfile.type: RuntimeDefault once on the pod when no profile is set, or the missing type where a profile has none.',
    edits({ workload }, finding) {
      if (!workload) return [];
      if (finding.messageId === 'missing') return [{ kind: 'set', path: [...workload.podSecurityContextPath, 'seccompProfile', 'type'], value: 'RuntimeDefault' }];
      const container = workload.containers.find((each) => each.name === finding.container);
      const profile = container?.effective.seccompProfile;
      if ((finding.messageId === 'setsNoType' || finding.messageId === 'inheritsNoType') && profile) return [{ kind: 'set', path: [...profile.path, 'type'], value: 'RuntimeDefault' }];
      return [];
    },
  },
  *evaluate({ workload }) {
    // Pod Security exempts pods that declare spec.os.name: windows (v1.25+).
    if (!workload || declaresWindows(workload)) return;
    for (const container of workload.containers) {
      const profile = container.effective.seccompProfile;
      if (!profile) {
        yield {
          path: container.securityContextPath,
          messageId: 'missing',
          data: { container: container.name },
          container: container.name,
        };
        continue;
      }
      const type = asString(asRecord(profile.value)?.type);
      if (type === 'RuntimeDefault' || type === 'Localhost') continue;
      if (type === 'Unconfined') continue; // reported by seccomp-unconfined, where it is written
      yield {
        path: [...profile.path, 'type'],
        messageId: type === undefined ? (profile.inherited ? 'inheritsNoType' : 'setsNoType') : profile.inherited ? 'inheritsType' : 'setsType',
        data: { container: container.name, type },
        container: container.name,
      };
    }
  },
});
