/** The security standards every check maps to. */
export type PssLevel = 'baseline' | 'restricted';

export interface StandardsMapping {
  /** Pod Security Standards: level and the control's name as the PSS page titles it. */
  pss?: { level: PssLevel; control: string };
  /** CIS Kubernetes Benchmark control ids, e.g. '5.2.2' */
  cis?: string[];
  /** NSA/CISA Kubernetes Hardening Guide sections */
  nsa?: string[];
  /** MITRE ATT&CK technique ids (containers matrix), e.g. 'T1611' */
  mitre?: string[];
}

export const STANDARD_IDS = ['pss-baseline', 'pss-restricted', 'cis', 'nsa', 'mitre'] as const;
export type StandardId = (typeof STANDARD_IDS)[number];

/** The control(s) a check maps to within one standard, or none when it is outside it. */
export function controlsIn(mapping: StandardsMapping, standard: StandardId): string[] {
  switch (standard) {
    case 'pss-baseline':
      return mapping.pss?.level === 'baseline' ? [mapping.pss.control] : [];
    case 'pss-restricted':
      // Restricted includes every baseline control.
      return mapping.pss ? [mapping.pss.control] : [];
    case 'cis':
      return mapping.cis ?? [];
    case 'nsa':
      return mapping.nsa ?? [];
    case 'mitre':
      return mapping.mitre ?? [];
  }
}

/** Section names of the NSA/CISA Kubernetes Hardening Guide (v1.2) that checks map to. */
export const NSA_SECTIONS = [
  'Pod security: non-root containers',
  'Pod security: immutable container file systems',
  'Pod security: building secure container images',
  'Pod security: pod security enforcement',
  'Pod security: protecting pod service account tokens',
  'Pod security: hardening container environments',
  'Network separation: namespaces',
  'Network separation: network policies',
  'Network separation: resource policies',
  'Network separation: secrets',
  'Network separation: control plane hardening',
  'Authentication and authorization',
  'Audit logging and threat detection',
  'Upgrading and application security practices',
] as const;

/** The Pod Security Standards controls, by level, as the PSS page names them. */
export const PSS_CONTROLS = {
  baseline: ['HostProcess', 'Host Namespaces', 'Privileged Containers', 'Capabilities', 'HostPath Volumes', 'Host Ports', 'AppArmor', 'SELinux', '/proc Mount Type', 'Seccomp', 'Sysctls'],
  restricted: ['Volume Types', 'Privilege Escalation', 'Running as Non-root', 'Running as Non-root user', 'Seccomp', 'Capabilities'],
} as const;

/**
 * CIS Kubernetes Benchmark (v1.9) controls that checks can map to: the control-plane
 * flags of sections 1.2 (API server), 1.3 (controller manager), 1.4 (scheduler), 2 (etcd)
 * and 3.2 (audit policy), and the policies of section 5.
 */
export const CIS_CONTROLS: Readonly<Record<string, string>> = {
  '1.2.1': 'Ensure that the --anonymous-auth argument is set to false',
  '1.2.2': 'Ensure that the --token-auth-file parameter is not set',
  '1.2.3': 'Ensure that the --DenyServiceExternalIPs is set',
  '1.2.4': 'Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate',
  '1.2.5': 'Ensure that the --kubelet-certificate-authority argument is set as appropriate',
  '1.2.6': 'Ensure that the --authorization-mode argument is not set to AlwaysAllow',
  '1.2.7': 'Ensure that the --authorization-mode argument includes Node',
  '1.2.8': 'Ensure that the --authorization-mode argument includes RBAC',
  '1.2.9': 'Ensure that the admission control plugin EventRateLimit is set',
  '1.2.10': 'Ensure that the admission control plugin AlwaysAdmit is not set',
  '1.2.11': 'Ensure that the admission control plugin AlwaysPullImages is set',
  '1.2.12': 'Ensure that the admission control plugin ServiceAccount is set',
  '1.2.13': 'Ensure that the admission control plugin NamespaceLifecycle is set',
  '1.2.14': 'Ensure that the admission control plugin NodeRestriction is set',
  '1.2.15': 'Ensure that the --profiling argument is set to false',
  '1.2.16': 'Ensure that the --audit-log-path argument is set',
  '1.2.17': 'Ensure that the --audit-log-maxage argument is set to 30 or as appropriate',
  '1.2.18': 'Ensure that the --audit-log-maxbackup argument is set to 10 or as appropriate',
  '1.2.19': 'Ensure that the --audit-log-maxsize argument is set to 100 or as appropriate',
  '1.2.21': 'Ensure that the --service-account-lookup argument is set to true',
  '1.2.22': 'Ensure that the --service-account-key-file argument is set as appropriate',
  '1.2.23': 'Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate',
  '1.2.24': 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate',
  '1.2.25': 'Ensure that the --client-ca-file argument is set as appropriate',
  '1.2.26': 'Ensure that the --etcd-cafile argument is set as appropriate',
  '1.2.27': 'Ensure that the --encryption-provider-config argument is set as appropriate',
  '1.2.29': 'Ensure that the API Server only makes use of Strong Cryptographic Ciphers',
  '1.3.2': 'Ensure that the --profiling argument is set to false',
  '1.3.3': 'Ensure that the --use-service-account-credentials argument is set to true',
  '1.3.4': 'Ensure that the --service-account-private-key-file argument is set as appropriate',
  '1.3.5': 'Ensure that the --root-ca-file argument is set as appropriate',
  '1.3.7': 'Ensure that the --bind-address argument is set to 127.0.0.1',
  '1.4.1': 'Ensure that the --profiling argument is set to false',
  '1.4.2': 'Ensure that the --bind-address argument is set to 127.0.0.1',
  '2.1': 'Ensure that the --cert-file and --key-file arguments are set as appropriate',
  '2.2': 'Ensure that the --client-cert-auth argument is set to true',
  '2.3': 'Ensure that the --auto-tls argument is not set to true',
  '2.4': 'Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate',
  '2.5': 'Ensure that the --peer-client-cert-auth argument is set to true',
  '2.6': 'Ensure that the --peer-auto-tls argument is not set to true',
  '2.7': 'Ensure that a unique Certificate Authority is used for etcd',
  '3.2.1': 'Ensure that a minimal audit policy is created',
  '5.1.1': 'Ensure that the cluster-admin role is only used where required',
  '5.1.2': 'Minimize access to secrets',
  '5.1.3': 'Minimize wildcard use in Roles and ClusterRoles',
  '5.1.4': 'Minimize access to create pods',
  '5.1.5': 'Ensure that default service accounts are not actively used',
  '5.1.6': 'Ensure that Service Account Tokens are only mounted where necessary',
  '5.1.7': 'Avoid use of system:masters group',
  '5.1.8': 'Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster',
  '5.1.9': 'Minimize access to create persistent volumes',
  '5.1.10': 'Minimize access to the proxy sub-resource of nodes',
  '5.1.11': 'Minimize access to the approval sub-resource of certificatesigningrequests objects',
  '5.1.12': 'Minimize access to webhook configuration objects',
  '5.1.13': 'Minimize access to the service account token creation',
  '5.2.2': 'Minimize the admission of privileged containers',
  '5.2.3': 'Minimize the admission of containers wishing to share the host process ID namespace',
  '5.2.4': 'Minimize the admission of containers wishing to share the host IPC namespace',
  '5.2.5': 'Minimize the admission of containers wishing to share the host network namespace',
  '5.2.6': 'Minimize the admission of containers with allowPrivilegeEscalation',
  '5.2.7': 'Minimize the admission of root containers',
  '5.2.8': 'Minimize the admission of containers with the NET_RAW capability',
  '5.2.9': 'Minimize the admission of containers with added capabilities',
  '5.2.10': 'Minimize the admission of containers with capabilities assigned',
  '5.2.11': 'Minimize the admission of Windows HostProcess containers',
  '5.2.12': 'Minimize the admission of HostPath volumes',
  '5.2.13': 'Minimize the admission of containers which use HostPorts',
  '5.3.2': 'Ensure that all Namespaces have Network Policies defined',
  '5.4.1': 'Prefer using secrets as files over secrets as environment variables',
  '5.5.1': 'Configure Image Provenance using ImagePolicyWebhook admission controller',
  '5.7.1': 'Create administrative boundaries between resources using namespaces',
  '5.7.2': 'Ensure that the seccomp profile is set to docker/default in your pod definitions',
  '5.7.3': 'Apply Security Context to Your Pods and Containers',
  '5.7.4': 'The default namespace should not be used',
  // CIS 4.2: kubelet (CIS Kubernetes Benchmark v1.9 numbering; v1.8 and earlier number these differently)
  '4.2.1': 'Ensure that the --anonymous-auth argument is set to false',
  '4.2.2': 'Ensure that the --authorization-mode argument is not set to AlwaysAllow',
  '4.2.3': 'Ensure that the --client-ca-file argument is set as appropriate',
  '4.2.4': 'Verify that the --read-only-port argument is set to 0',
  '4.2.5': 'Ensure that the --streaming-connection-idle-timeout argument is not set to 0',
  '4.2.6': 'Ensure that the --make-iptables-util-chains argument is set to true',
  '4.2.8': 'Ensure that the eventRecordQPS argument is set to a level which ensures appropriate event capture',
  '4.2.9': 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate',
  '4.2.10': 'Ensure that the --rotate-certificates argument is not set to false',
  '4.2.11': 'Verify that the RotateKubeletServerCertificate argument is set to true',
  '4.2.12': 'Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers',
  '4.2.13': 'Ensure that a limit is set on pod PIDs',
};
