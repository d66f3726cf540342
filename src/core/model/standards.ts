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
