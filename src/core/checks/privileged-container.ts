import { defineCheck } from '../model/check.js';
import { containerSecurityFix } from './support/fixes.js';

export default defineCheck({
  id: 'privileged-container',
  title: 'Privileged container',
  severity: 'critical',
  category: 'pod-security',
  description:
    'A privileged container runs with every capability and full access to the host devices; escaping to the node is trivial.',
  remediation: 'Remove securityContext.privileged or set it to false; grant only the specific capabilities the process needs.',
  references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
  standards: {
    pss: { level: 'baseline', control: 'Privileged Containers' },
    cis: ['5.2.2'],
    nsa: ['Pod security: pod security enforcement'],
    mitre: ['T1611'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {},
  messages: { privileged: 'container "{{container}}" runs privileged' },
  fix: containerSecurityFix('Sets securityContext.privileged: false on the container (a workload that needs host access, a CNI or storage driver, stops working: review it).', 'privileged', false, ['privileged']),
  *evaluate({ workload }) {
    for (const container of workload?.containers ?? []) {
      if (container.securityContext.privileged === true) {
        yield {
          path: [...container.securityContextPath, 'privileged'],
          messageId: 'privileged',
          data: { container: container.name },
          container: container.name,
        };
      }
    }
  },
});
