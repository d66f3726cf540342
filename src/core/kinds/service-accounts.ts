import type { Workload } from './pod-spec.js';
import type { Path } from '../model/location.js';
import { asArray, asRecord } from '../model/values.js';

export interface PodServiceAccount {
  /** the service account the pod runs as */
  name: string;
  /** which field named it ('default' when neither is set) */
  source: 'serviceAccountName' | 'serviceAccount' | 'default';
  /** the naming field, or the pod spec when neither is set */
  path: Path;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The service account a pod runs as, as the API server decides it:
 * serviceAccountName wins; the deprecated serviceAccount is used only when
 * serviceAccountName is empty (v1 -> internal conversion); otherwise the
 * ServiceAccount admission plugin assigns `default`.
 */
export function podServiceAccount(workload: Workload): PodServiceAccount {
  const spec = workload.podSpec;
  const name = nonEmpty(spec.serviceAccountName);
  if (name !== undefined) return { name, source: 'serviceAccountName', path: [...workload.podSpecPath, 'serviceAccountName'] };
  const deprecated = nonEmpty(spec.serviceAccount);
  if (deprecated !== undefined) return { name: deprecated, source: 'serviceAccount', path: [...workload.podSpecPath, 'serviceAccount'] };
  return { name: 'default', source: 'default', path: workload.podSpecPath };
}

/** Projected volumes that request a service account token explicitly (serviceAccountToken sources). */
export function projectedTokenVolumes(workload: Workload): { name: string; path: Path }[] {
  const out: { name: string; path: Path }[] = [];
  asArray(workload.podSpec.volumes).forEach((item, index) => {
    const volume = asRecord(item);
    const sources = asArray(asRecord(volume?.projected)?.sources);
    sources.forEach((source, sourceIndex) => {
      if (asRecord(asRecord(source)?.serviceAccountToken)) {
        out.push({
          name: typeof volume?.name === 'string' ? volume.name : `#${index}`,
          path: [...workload.podSpecPath, 'volumes', index, 'projected', 'sources', sourceIndex, 'serviceAccountToken'],
        });
      }
    });
  });
  return out;
}
