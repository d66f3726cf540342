/**
 * Built-in API versions the API server no longer serves, after the Kubernetes
 * deprecated API migration guide
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/).
 * A manifest using one fails to apply on that release and later.
 */
export interface RemovedApi {
  apiVersion: string;
  kinds: readonly string[];
  /** first minor release that no longer serves it, "1.22" */
  removedIn: string;
  /** what to use instead, completing "use ..." */
  replacement: string;
}

const APPS_V1 = 'apps/v1';

export const REMOVED_APIS: readonly RemovedApi[] = [
  // 1.16
  { apiVersion: 'extensions/v1beta1', kinds: ['DaemonSet', 'Deployment', 'ReplicaSet'], removedIn: '1.16', replacement: APPS_V1 },
  { apiVersion: 'extensions/v1beta1', kinds: ['NetworkPolicy'], removedIn: '1.16', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: '1.16', replacement: 'Pod Security Admission (policy/v1beta1 PodSecurityPolicy was itself removed in 1.25)' },
  { apiVersion: 'apps/v1beta1', kinds: ['ControllerRevision', 'Deployment', 'ReplicaSet', 'StatefulSet'], removedIn: '1.16', replacement: APPS_V1 },
  { apiVersion: 'apps/v1beta2', kinds: ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'], removedIn: '1.16', replacement: APPS_V1 },
  // 1.22
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', kinds: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], removedIn: '1.22', replacement: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', kinds: ['CustomResourceDefinition'], removedIn: '1.22', replacement: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kinds: ['APIService'], removedIn: '1.22', replacement: 'apiregistration.k8s.io/v1' },
  { apiVersion: 'authentication.k8s.io/v1beta1', kinds: ['TokenReview'], removedIn: '1.22', replacement: 'authentication.k8s.io/v1' },
  {
    apiVersion: 'authorization.k8s.io/v1beta1',
    kinds: ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
    removedIn: '1.22',
    replacement: 'authorization.k8s.io/v1',
  },
  { apiVersion: 'certificates.k8s.io/v1beta1', kinds: ['CertificateSigningRequest'], removedIn: '1.22', replacement: 'certificates.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', kinds: ['Lease'], removedIn: '1.22', replacement: 'coordination.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', kinds: ['Ingress', 'IngressClass'], removedIn: '1.22', replacement: 'networking.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', kinds: ['PriorityClass'], removedIn: '1.22', replacement: 'scheduling.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], removedIn: '1.22', replacement: 'storage.k8s.io/v1' },
  // 1.25
  { apiVersion: 'autoscaling/v2beta1', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.25', replacement: 'autoscaling/v2' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: '1.25', replacement: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', kinds: ['EndpointSlice'], removedIn: '1.25', replacement: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', kinds: ['Event'], removedIn: '1.25', replacement: 'events.k8s.io/v1' },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: '1.25', replacement: 'node.k8s.io/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget'], removedIn: '1.25', replacement: 'policy/v1' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodSecurityPolicy'], removedIn: '1.25', replacement: 'Pod Security Admission (pod-security.kubernetes.io namespace labels); the API has no successor' },
  // 1.26
  { apiVersion: 'autoscaling/v2beta2', kinds: ['HorizontalPodAutoscaler'], removedIn: '1.26', replacement: 'autoscaling/v2' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  // 1.27
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: '1.27', replacement: 'storage.k8s.io/v1' },
  // 1.29
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: '1.29', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  // 1.32
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kinds: ['FlowSchema', 'PriorityLevelConfiguration'], removedIn: '1.32', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
];

/** Every kind some removed API version served, for the check's appliesTo. */
export const REMOVED_API_KINDS: readonly string[] = [...new Set(REMOVED_APIS.flatMap((entry) => entry.kinds))].sort();

export function findRemovedApi(apiVersion: string, kind: string): RemovedApi | undefined {
  return REMOVED_APIS.find((entry) => entry.apiVersion === apiVersion && entry.kinds.includes(kind));
}

/** "1.32", "v1.32" or "1.32.4" as [major, minor]; undefined when it is none of these. */
export function parseMinorVersion(text: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** True when release `a` is the same as or earlier than `b` (both major.minor). */
export function releasedBy(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
}
