/**
 * Naming resources on the command line without API discovery: `pods`, `pods/exec`,
 * `deployments.apps`, `deployments.apps/scale`, or a non-resource URL (`/metrics`).
 * Well-known resources get their API group when none is written, as kubectl's
 * discovery would resolve them.
 */
import type { NonResourceRequest } from './rules.js';
import type { AccessRequest } from './model.js';

const GROUPS: Record<string, string> = {
  deployments: 'apps',
  replicasets: 'apps',
  statefulsets: 'apps',
  daemonsets: 'apps',
  controllerrevisions: 'apps',
  jobs: 'batch',
  cronjobs: 'batch',
  roles: 'rbac.authorization.k8s.io',
  rolebindings: 'rbac.authorization.k8s.io',
  clusterroles: 'rbac.authorization.k8s.io',
  clusterrolebindings: 'rbac.authorization.k8s.io',
  ingresses: 'networking.k8s.io',
  ingressclasses: 'networking.k8s.io',
  networkpolicies: 'networking.k8s.io',
  validatingwebhookconfigurations: 'admissionregistration.k8s.io',
  mutatingwebhookconfigurations: 'admissionregistration.k8s.io',
  validatingadmissionpolicies: 'admissionregistration.k8s.io',
  validatingadmissionpolicybindings: 'admissionregistration.k8s.io',
  mutatingadmissionpolicies: 'admissionregistration.k8s.io',
  mutatingadmissionpolicybindings: 'admissionregistration.k8s.io',
  certificatesigningrequests: 'certificates.k8s.io',
  signers: 'certificates.k8s.io',
  customresourcedefinitions: 'apiextensions.k8s.io',
  apiservices: 'apiregistration.k8s.io',
  storageclasses: 'storage.k8s.io',
  csidrivers: 'storage.k8s.io',
  csinodes: 'storage.k8s.io',
  volumeattachments: 'storage.k8s.io',
  horizontalpodautoscalers: 'autoscaling',
  poddisruptionbudgets: 'policy',
  priorityclasses: 'scheduling.k8s.io',
  runtimeclasses: 'node.k8s.io',
  leases: 'coordination.k8s.io',
  tokenreviews: 'authentication.k8s.io',
  subjectaccessreviews: 'authorization.k8s.io',
  selfsubjectaccessreviews: 'authorization.k8s.io',
  localsubjectaccessreviews: 'authorization.k8s.io',
};

/** Resources without a namespace: questions about them are asked cluster-wide. */
export const CLUSTER_SCOPED_RESOURCES: ReadonlySet<string> = new Set([
  'nodes',
  'namespaces',
  'persistentvolumes',
  'componentstatuses',
  'clusterroles',
  'clusterrolebindings',
  'customresourcedefinitions',
  'apiservices',
  'certificatesigningrequests',
  'signers',
  'storageclasses',
  'csidrivers',
  'csinodes',
  'volumeattachments',
  'priorityclasses',
  'runtimeclasses',
  'ingressclasses',
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
  'tokenreviews',
  'subjectaccessreviews',
  'selfsubjectaccessreviews',
  'users',
  'groups',
]);

export interface RequestSpec {
  verb: string;
  /** `pods`, `pods/exec`, `deployments.apps/scale` or `/metrics` */
  resource: string;
  subresource?: string;
  name?: string;
  /** undefined: every namespace at once (kubectl auth can-i -A), or cluster-scoped */
  namespace?: string;
}

/** Builds the authorizer's question, or returns an error sentence. */
export function parseRequest(spec: RequestSpec): AccessRequest | string {
  if (spec.verb === '') return 'empty verb';
  if (spec.resource.startsWith('/')) {
    if (spec.subresource || spec.name || spec.namespace) return 'a non-resource URL takes no --subresource, --name or -n';
    const request: NonResourceRequest = { verb: spec.verb, path: spec.resource };
    return request;
  }
  const [qualified = '', written = ''] = spec.resource.split('/', 2);
  if (written && spec.subresource && written !== spec.subresource) return `subresource given twice: "${written}" and --subresource "${spec.subresource}"`;
  const dot = qualified.indexOf('.');
  const resource = dot < 0 ? qualified : qualified.slice(0, dot);
  if (resource === '') return `malformed resource "${spec.resource}": expected RESOURCE[.GROUP][/SUBRESOURCE] or a URL starting with /`;
  const apiGroup = dot < 0 ? (GROUPS[resource] ?? '') : qualified.slice(dot + 1);
  const subresource = written || spec.subresource || '';
  return {
    verb: spec.verb,
    apiGroup,
    resource,
    ...(subresource ? { subresource } : {}),
    ...(spec.name ? { name: spec.name } : {}),
    namespace: CLUSTER_SCOPED_RESOURCES.has(resource) ? '' : (spec.namespace ?? ''),
  };
}

/** `get deployments.apps/scale "web" in namespace "shop"`, for messages. */
export function describeRequest(request: AccessRequest): string {
  if ('path' in request) return `${request.verb} ${request.path}`;
  const group = request.apiGroup ? `.${request.apiGroup}` : '';
  const target = `${request.resource}${group}${request.subresource ? `/${request.subresource}` : ''}`;
  const name = request.name ? ` "${request.name}"` : '';
  return `${request.verb} ${target}${name} ${request.namespace ? `in namespace "${request.namespace}"` : 'cluster-wide'}`;
}
