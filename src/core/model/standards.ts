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
