import { booleanFlag, defineFlagCheck } from './support/flag-checks.js';
import { isConfigured } from '../control-plane/flags.js';

const anonymousAuth = booleanFlag('anonymous-auth', { risky: true, defaultValue: true, consequence: 'requests without credentials are served as system:anonymous' });

export default defineFlagCheck({
  id: 'apiserver-anonymous-auth-enabled',
  title: 'API server accepts anonymous requests',
  severity: 'medium',
  component: 'kube-apiserver',
  description:
    'With --anonymous-auth at its default (true) requests without credentials are served as the user system:anonymous in the group system:unauthenticated; any RBAC binding to those subjects, present or added later, opens the API to the whole network.',
  remediation: 'Set --anonymous-auth=false; on v1.32+ an AuthenticationConfiguration (--authentication-config) can instead keep anonymous access to the health endpoints only.',
  references: [
    'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests',
    'https://www.cisecurity.org/benchmark/kubernetes',
  ],
  standards: { cis: ['1.2.1'], nsa: ['Authentication and authorization'], mitre: ['T1078.001'] },
  enabledByDefault: true,
  options: {},
  evaluate: (invocation) =>
    // With --authentication-config and no --anonymous-auth, the file may configure anonymous access: unknown here.
    isConfigured(invocation.flag('authentication-config')) !== false && invocation.flag('anonymous-auth').state === 'absent' ? [] : anonymousAuth(invocation),
});
