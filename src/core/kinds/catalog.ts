/**
 * The kinds Palisade knows by API group: where each is served and whether a cluster scan
 * lists it, in the order a cluster scan lists them. Objects are matched to checks by kind (an Ingress is an Ingress whether it
 * came as networking.k8s.io/v1 or extensions/v1beta1); the group and version here are what
 * a cluster scan and an informer ask the API server for.
 */
export interface KindInfo {
  kind: string;
  /** API group, '' for the core group. */
  group: string;
  /** The version listed. */
  version: string;
  plural: string;
  namespaced: boolean;
  /**
   * How a cluster scan reads it: 'objects', 'metadata' (Secrets: never a value), or 'no'
   * (not an API object: configuration files, or a value built from another endpoint).
   */
  list: 'objects' | 'metadata' | 'no';
  /** Served only where an add-on installs it (a CRD): a cluster that does not serve it holds none. */
  optional?: true;
  /** For list 'no': where the object comes from instead. */
  source?: string;
}

export const KIND_CATALOG: readonly KindInfo[] = [
  { kind: 'Namespace', group: '', version: 'v1', plural: 'namespaces', namespaced: false, list: 'objects' },
  { kind: 'Pod', group: '', version: 'v1', plural: 'pods', namespaced: true, list: 'objects' },
  { kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true, list: 'objects' },
  { kind: 'ServiceAccount', group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true, list: 'objects' },
  { kind: 'ConfigMap', group: '', version: 'v1', plural: 'configmaps', namespaced: true, list: 'objects' },
  { kind: 'Secret', group: '', version: 'v1', plural: 'secrets', namespaced: true, list: 'metadata' },
  { kind: 'ResourceQuota', group: '', version: 'v1', plural: 'resourcequotas', namespaced: true, list: 'objects' },
  { kind: 'LimitRange', group: '', version: 'v1', plural: 'limitranges', namespaced: true, list: 'objects' },
  { kind: 'ReplicationController', group: '', version: 'v1', plural: 'replicationcontrollers', namespaced: true, list: 'objects' },
  { kind: 'Deployment', group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, list: 'objects' },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, list: 'objects' },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true, list: 'objects' },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true, list: 'objects' },
  { kind: 'Job', group: 'batch', version: 'v1', plural: 'jobs', namespaced: true, list: 'objects' },
  { kind: 'CronJob', group: 'batch', version: 'v1', plural: 'cronjobs', namespaced: true, list: 'objects' },
  { kind: 'NetworkPolicy', group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', namespaced: true, list: 'objects' },
  { kind: 'Ingress', group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', namespaced: true, list: 'objects' },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', namespaced: true, list: 'objects' },
  { kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', namespaced: true, list: 'objects' },
  { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', namespaced: false, list: 'objects' },
  { kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', namespaced: false, list: 'objects' },
  { kind: 'PodDisruptionBudget', group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', namespaced: true, list: 'objects' },
  { kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', namespaced: true, list: 'objects' },
  { kind: 'RuntimeClass', group: 'node.k8s.io', version: 'v1', plural: 'runtimeclasses', namespaced: false, list: 'objects' },
  { kind: 'PodTemplate', group: '', version: 'v1', plural: 'podtemplates', namespaced: true, list: 'objects' },
  { kind: 'HTTPRoute', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', namespaced: true, list: 'objects', optional: true },
  // Istio (v1beta1 is served by every Istio since 1.5; v1 only since 1.22).
  { kind: 'PeerAuthentication', group: 'security.istio.io', version: 'v1beta1', plural: 'peerauthentications', namespaced: true, list: 'objects', optional: true },
  { kind: 'DestinationRule', group: 'networking.istio.io', version: 'v1beta1', plural: 'destinationrules', namespaced: true, list: 'objects', optional: true },
  // Linkerd policy (Server at v1beta3, the only version whose schema keeps accessPolicy). Istio has an
  // AuthorizationPolicy kind too: checks that apply to it read the apiVersion's group.
  { kind: 'Server', group: 'policy.linkerd.io', version: 'v1beta3', plural: 'servers', namespaced: true, list: 'objects', optional: true },
  { kind: 'ServerAuthorization', group: 'policy.linkerd.io', version: 'v1beta1', plural: 'serverauthorizations', namespaced: true, list: 'objects', optional: true },
  { kind: 'AuthorizationPolicy', group: 'policy.linkerd.io', version: 'v1alpha1', plural: 'authorizationpolicies', namespaced: true, list: 'objects', optional: true },
  { kind: 'DeploymentConfig', group: 'apps.openshift.io', version: 'v1', plural: 'deploymentconfigs', namespaced: true, list: 'objects', optional: true },
  { kind: 'Schedule', group: 'velero.io', version: 'v1', plural: 'schedules', namespaced: true, list: 'objects', optional: true },
  { kind: 'EtcdBackup', group: 'etcd.database.coreos.com', version: 'v1beta2', plural: 'etcdbackups', namespaced: true, list: 'objects', optional: true },
  { kind: 'PersistentVolumeClaim', group: '', version: 'v1', plural: 'persistentvolumeclaims', namespaced: true, list: 'objects' },
  { kind: 'Endpoints', group: '', version: 'v1', plural: 'endpoints', namespaced: true, list: 'no', source: 'the control plane, from each Service: a finding on the Service covers them (manifests only)' },
  { kind: 'EndpointSlice', group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespaced: true, list: 'no', source: 'the control plane, from each Service: a finding on the Service covers them (manifests only)' },
  { kind: 'ClusterVersion', group: 'palisade.dev', version: 'v1alpha1', plural: 'clusterversions', namespaced: false, list: 'no', source: "the API server's /version, read by a cluster scan" },
  { kind: 'KubeletConfiguration', group: 'kubelet.config.k8s.io', version: 'v1beta1', plural: 'kubeletconfigurations', namespaced: false, list: 'no', source: "each node's kubelet /configz through nodes/proxy, when allowed" },
];

const BY_KIND = new Map(KIND_CATALOG.map((info) => [info.kind, info]));

export function kindInfo(kind: string): KindInfo | undefined {
  return BY_KIND.get(kind);
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(info: Pick<KindInfo, 'group' | 'version'>): string {
  return info.group === '' ? info.version : `${info.group}/${info.version}`;
}
