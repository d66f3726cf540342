/**
 * The checks Palisade exports as ValidatingAdmissionPolicies, sorted by id, and why the
 * others are not exported. No import-time side effects; a test keeps this list, the check
 * registry and docs/admission-vap.md in step.
 */
import allowPrivilegeEscalation from './allow-privilege-escalation.js';
import capabilitiesAdded from './capabilities-added.js';
import capabilitiesBeyondBaseline from './capabilities-beyond-baseline.js';
import hostIpc from './host-ipc.js';
import hostNetwork from './host-network.js';
import hostPathVolume from './host-path-volume.js';
import hostPid from './host-pid.js';
import hostPort from './host-port.js';
import imageLatestTag from './image-latest-tag.js';
import privilegedContainer from './privileged-container.js';
import runAsRoot from './run-as-root.js';
import runAsUidZero from './run-as-uid-zero.js';
import seccompProfileMissing from './seccomp-profile-missing.js';
import seccompUnconfined from './seccomp-unconfined.js';
import secretVolumeUnmounted from './secret-volume-unmounted.js';
import serviceExternalIps from './service-external-ips.js';
import serviceLoadBalancer from './service-load-balancer.js';
import serviceNodePort from './service-node-port.js';
import shareProcessNamespace from './share-process-namespace.js';
import unmaskedProcMount from './unmasked-proc-mount.js';
import unsafeSysctls from './unsafe-sysctls.js';
import windowsHostProcess from './windows-host-process.js';
import type { VapTranslation } from './translation.js';
import type { AnyCheck } from '../../model/check.js';
import { checkNeeds } from '../../inventory/reads.js';
import { ANY_KIND } from '../../inventory/analysis.js';
import { kindInfo } from '../../kinds/catalog.js';

export type { CelValidation, VapTranslation } from './translation.js';

export const VAP_TRANSLATIONS: readonly VapTranslation[] = [
  allowPrivilegeEscalation,
  capabilitiesAdded,
  capabilitiesBeyondBaseline,
  hostIpc,
  hostNetwork,
  hostPathVolume,
  hostPid,
  hostPort,
  imageLatestTag,
  privilegedContainer,
  runAsRoot,
  runAsUidZero,
  seccompProfileMissing,
  seccompUnconfined,
  secretVolumeUnmounted,
  serviceExternalIps,
  serviceLoadBalancer,
  serviceNodePort,
  shareProcessNamespace,
  unmaskedProcMount,
  unsafeSysctls,
  windowsHostProcess,
];

export function vapTranslation(id: string): VapTranslation | undefined {
  return VAP_TRANSLATIONS.find((translation) => translation.id === id);
}

const CONTROL_PLANE =
  'judges the command line of a control-plane static pod: the kubelet starts those from files on the node, so denying their mirror Pods at admission stops nothing';
const CREDENTIALS = 'detects credentials by patterns, entropy and known token formats, which CEL (RE2 matches only, no scoring) cannot reproduce';

/**
 * Checks that read only the object but cannot be exported faithfully, with the reason.
 * (Checks that read other objects or image results, or that are not about API objects, get
 * their reason from their declarations: see exportStatus.)
 */
export const NOT_EXPORTABLE: Readonly<Record<string, string>> = {
  'configmap-credential': CREDENTIALS,
  'credentials-in-command': CREDENTIALS,
  'credentials-in-last-applied': `reads the JSON inside the last-applied-configuration annotation, which CEL cannot parse, and ${CREDENTIALS}`,
  'default-namespace':
    'reads the namespace a manifest names; at admission every namespaced object has one (the request\'s), so a policy would only deny the default namespace, a question for a binding\'s namespaceSelector',
  'env-literal-credential': CREDENTIALS,
  'image-pull-policy':
    'reads imagePullPolicy as written; the API server defaults it (Always for :latest, else IfNotPresent) before admission policies run, so the policy cannot tell an unset field from a default',
  'kubernetes-patch-outdated': 'needs Palisade\'s Kubernetes release catalog and today\'s date',
  'kubernetes-version-unsupported': 'needs Palisade\'s Kubernetes release catalog and today\'s date',
  'secret-data-in-last-applied': 'reads the JSON inside the last-applied-configuration annotation, which CEL cannot parse (it has no JSON decoding function)',
  'secret-data-in-manifest': 'judges manifests kept in a repository (Secret values committed to files); at admission every Secret carries its data',
};

/** Check ids that judge control-plane static pods start with these. */
const CONTROL_PLANE_PREFIXES = ['apiserver-', 'controller-manager-', 'etcd-', 'scheduler-'];

export type ExportStatus =
  | { status: 'exported'; translation: VapTranslation }
  | { status: 'not-exportable'; reason: string }
  /** Reads only the object and could be written in CEL, but is not translated yet. */
  | { status: 'not-translated' };

/** Whether a check is exported as a ValidatingAdmissionPolicy, and if not, why. */
export function exportStatus(check: AnyCheck): ExportStatus {
  const translation = vapTranslation(check.id);
  if (translation) return { status: 'exported', translation };
  const needs = checkNeeds(check);
  if (needs.images) return { status: 'not-exportable', reason: 'needs the results of image scans (vulnerabilities, build dates, signatures), which the API server does not have' };
  if (needs.scope !== 'object') {
    const kinds = [...needs.reads].filter((kind) => kind !== ANY_KIND).sort();
    return { status: 'not-exportable', reason: `reads other objects than the one admitted (${kinds.length > 0 ? kinds.join(', ') : 'any kind'}); a policy sees one object` };
  }
  if (check.liveObjects === false) return { status: 'not-exportable', reason: 'judges the manifest as written (its apiVersion); the API server converts or refuses removed versions itself' };
  const notApiObjects = needs.appliesTo.filter((kind) => kindInfo(kind)?.list === 'no');
  if (notApiObjects.length > 0 && notApiObjects.length === needs.appliesTo.length) {
    return { status: 'not-exportable', reason: `judges ${notApiObjects.join(', ')}, which ${notApiObjects.length > 1 ? 'are' : 'is'} not created through the API server` };
  }
  const reason = NOT_EXPORTABLE[check.id] ?? (CONTROL_PLANE_PREFIXES.some((prefix) => check.id.startsWith(prefix)) ? CONTROL_PLANE : undefined);
  return reason ? { status: 'not-exportable', reason } : { status: 'not-translated' };
}
