/**
 * Naming resources on the command line as kubectl does: plural (`pods`), singular (`pod`),
 * short name (`po`), Kind (`Pod`), case-insensitively, optionally with the API group
 * (`deployments.apps`, `deploy.apps`, `deployments.v1.apps`), a subresource
 * (`pods/exec`, `deployments.apps/scale`), or a non-resource URL (`/metrics`).
 *
 * Names resolve against a catalog: the built-in resources (the table below, equal to a
 * Kubernetes 1.32 API server's discovery, which the oracle test checks), the resources
 * RBAC knows that discovery does not list (impersonation, signers), the
 * CustomResourceDefinitions among the objects, and, with a live cluster, its discovery,
 * which comes first. As kubectl's discovery, the core group wins a name several groups
 * share (`events`). A name nothing defines is an error that names it.
 */
import { asArray, asRecord, asString } from '../model/values.js';
import type { Resource } from '../model/resource.js';
import type { NonResourceRequest } from './rules.js';
import type { AccessRequest } from './model.js';

/** One resource type as discovery describes it (subresources are not listed). */
export interface ApiResource {
  /** '' is the core group */
  group: string;
  /** the plural, as RBAC rules name it */
  resource: string;
  singular: string;
  kind: string;
  shortNames: readonly string[];
  /** false: the resource has no namespace, and requests on it carry none */
  namespaced: boolean;
}

const NS = true;
const CLUSTER = false;

/** group, plural, kind, scope, short names; in discovery order (core first); the singular is the kind in lower case. */
const BUILTIN: ReadonlyArray<readonly [string, string, string, boolean, string[]?]> = [
  ['', 'bindings', 'Binding', NS],
  ['', 'componentstatuses', 'ComponentStatus', CLUSTER, ['cs']],
  ['', 'configmaps', 'ConfigMap', NS, ['cm']],
  ['', 'endpoints', 'Endpoints', NS, ['ep']],
  ['', 'events', 'Event', NS, ['ev']],
  ['', 'limitranges', 'LimitRange', NS, ['limits']],
  ['', 'namespaces', 'Namespace', CLUSTER, ['ns']],
  ['', 'nodes', 'Node', CLUSTER, ['no']],
  ['', 'persistentvolumeclaims', 'PersistentVolumeClaim', NS, ['pvc']],
  ['', 'persistentvolumes', 'PersistentVolume', CLUSTER, ['pv']],
  ['', 'pods', 'Pod', NS, ['po']],
  ['', 'podtemplates', 'PodTemplate', NS],
  ['', 'replicationcontrollers', 'ReplicationController', NS, ['rc']],
  ['', 'resourcequotas', 'ResourceQuota', NS, ['quota']],
  ['', 'secrets', 'Secret', NS],
  ['', 'serviceaccounts', 'ServiceAccount', NS, ['sa']],
  ['', 'services', 'Service', NS, ['svc']],
  ['apiregistration.k8s.io', 'apiservices', 'APIService', CLUSTER],
  ['apps', 'controllerrevisions', 'ControllerRevision', NS],
  ['apps', 'daemonsets', 'DaemonSet', NS, ['ds']],
  ['apps', 'deployments', 'Deployment', NS, ['deploy']],
  ['apps', 'replicasets', 'ReplicaSet', NS, ['rs']],
  ['apps', 'statefulsets', 'StatefulSet', NS, ['sts']],
  ['events.k8s.io', 'events', 'Event', NS, ['ev']],
  ['authentication.k8s.io', 'selfsubjectreviews', 'SelfSubjectReview', CLUSTER],
  ['authentication.k8s.io', 'tokenreviews', 'TokenReview', CLUSTER],
  ['authorization.k8s.io', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', NS],
  ['authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', CLUSTER],
  ['authorization.k8s.io', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', CLUSTER],
  ['authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview', CLUSTER],
  ['autoscaling', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', NS, ['hpa']],
  ['batch', 'cronjobs', 'CronJob', NS, ['cj']],
  ['batch', 'jobs', 'Job', NS],
  ['certificates.k8s.io', 'certificatesigningrequests', 'CertificateSigningRequest', CLUSTER, ['csr']],
  ['networking.k8s.io', 'ingressclasses', 'IngressClass', CLUSTER],
  ['networking.k8s.io', 'ingresses', 'Ingress', NS, ['ing']],
  ['networking.k8s.io', 'networkpolicies', 'NetworkPolicy', NS, ['netpol']],
  ['policy', 'poddisruptionbudgets', 'PodDisruptionBudget', NS, ['pdb']],
  ['rbac.authorization.k8s.io', 'clusterrolebindings', 'ClusterRoleBinding', CLUSTER],
  ['rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', CLUSTER],
  ['rbac.authorization.k8s.io', 'rolebindings', 'RoleBinding', NS],
  ['rbac.authorization.k8s.io', 'roles', 'Role', NS],
  ['storage.k8s.io', 'csidrivers', 'CSIDriver', CLUSTER],
  ['storage.k8s.io', 'csinodes', 'CSINode', CLUSTER],
  ['storage.k8s.io', 'csistoragecapacities', 'CSIStorageCapacity', NS],
  ['storage.k8s.io', 'storageclasses', 'StorageClass', CLUSTER, ['sc']],
  ['storage.k8s.io', 'volumeattachments', 'VolumeAttachment', CLUSTER],
  ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', CLUSTER],
  ['admissionregistration.k8s.io', 'validatingadmissionpolicies', 'ValidatingAdmissionPolicy', CLUSTER],
  ['admissionregistration.k8s.io', 'validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', CLUSTER],
  ['admissionregistration.k8s.io', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', CLUSTER],
  ['apiextensions.k8s.io', 'customresourcedefinitions', 'CustomResourceDefinition', CLUSTER, ['crd', 'crds']],
  ['scheduling.k8s.io', 'priorityclasses', 'PriorityClass', CLUSTER, ['pc']],
  ['coordination.k8s.io', 'leases', 'Lease', NS],
  ['node.k8s.io', 'runtimeclasses', 'RuntimeClass', CLUSTER],
  ['discovery.k8s.io', 'endpointslices', 'EndpointSlice', NS],
  ['flowcontrol.apiserver.k8s.io', 'flowschemas', 'FlowSchema', CLUSTER],
  ['flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations', 'PriorityLevelConfiguration', CLUSTER],
  // Served by newer releases or behind feature gates (not by a default 1.32 server).
  ['admissionregistration.k8s.io', 'mutatingadmissionpolicies', 'MutatingAdmissionPolicy', CLUSTER],
  ['admissionregistration.k8s.io', 'mutatingadmissionpolicybindings', 'MutatingAdmissionPolicyBinding', CLUSTER],
  ['certificates.k8s.io', 'clustertrustbundles', 'ClusterTrustBundle', CLUSTER],
  ['networking.k8s.io', 'ipaddresses', 'IPAddress', CLUSTER],
  ['networking.k8s.io', 'servicecidrs', 'ServiceCIDR', CLUSTER],
  ['storage.k8s.io', 'volumeattributesclasses', 'VolumeAttributesClass', CLUSTER],
  ['resource.k8s.io', 'deviceclasses', 'DeviceClass', CLUSTER],
  ['resource.k8s.io', 'resourceclaims', 'ResourceClaim', NS],
  ['resource.k8s.io', 'resourceclaimtemplates', 'ResourceClaimTemplate', NS],
  ['resource.k8s.io', 'resourceslices', 'ResourceSlice', CLUSTER],
  // Only RBAC knows these: impersonation (users, groups, uids and userextras carry no
  // namespace; serviceaccounts, above, carry the service account's) and CSR signers.
  ['', 'users', 'User', CLUSTER],
  ['', 'groups', 'Group', CLUSTER],
  ['authentication.k8s.io', 'userextras', 'UserExtra', CLUSTER],
  ['authentication.k8s.io', 'uids', 'UID', CLUSTER],
  ['certificates.k8s.io', 'signers', 'Signer', CLUSTER],
];

/** The built-in resources, in discovery order. */
export const BUILTIN_RESOURCES: readonly ApiResource[] = BUILTIN.map(([group, resource, kind, namespaced, shortNames = []]) => ({ group, resource, singular: kind.toLowerCase(), kind, shortNames, namespaced }));

/** Where resource names come from, in the order they are tried. */
export interface ResourceCatalog {
  readonly resources: readonly ApiResource[];
  /** for error messages: what was searched */
  readonly searched: string;
}

/** The resources a CustomResourceDefinition among the objects defines. */
export function customResources(objects: readonly Resource[]): ApiResource[] {
  const out: ApiResource[] = [];
  for (const object of objects) {
    if (object.ref.kind !== 'CustomResourceDefinition' || !object.ref.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
    const spec = asRecord(object.object.spec);
    const names = asRecord(spec?.names);
    const group = asString(spec?.group);
    const plural = asString(names?.plural);
    const kind = asString(names?.kind);
    if (!group || !plural || !kind) continue;
    out.push({
      group,
      resource: plural.toLowerCase(),
      singular: (asString(names?.singular) || kind).toLowerCase(),
      kind,
      shortNames: asArray(names?.shortNames).filter((name): name is string => typeof name === 'string').map((name) => name.toLowerCase()),
      namespaced: asString(spec?.scope) !== 'Cluster',
    });
  }
  return out;
}

/** Discovery first (a live cluster), then the built-in table, then the CustomResourceDefinitions among the objects. */
export function resourceCatalog(sources: { discovered?: readonly ApiResource[]; objects?: readonly Resource[] } = {}): ResourceCatalog {
  const crds = customResources(sources.objects ?? []);
  return {
    resources: [...(sources.discovered ?? []), ...BUILTIN_RESOURCES, ...crds],
    searched: sources.discovered ? "the cluster's discovery and the built-in resources" : 'the built-in resources and the CustomResourceDefinitions among the inputs',
  };
}

export const BUILTIN_CATALOG: ResourceCatalog = resourceCatalog();

export interface RequestSpec {
  verb: string;
  /** `pods`, `po`, `Pod`, `pods/exec`, `deployments.apps/scale` or `/metrics` */
  resource: string;
  subresource?: string;
  name?: string;
  /** undefined: every namespace at once (kubectl auth can-i -A), or cluster-scoped */
  namespace?: string;
}

export interface ResolvedRequest {
  request: AccessRequest;
  /**
   * Whether the request is made in a namespace when it has one: true for namespaced
   * resources and for bind on clusterroles (checked in the namespace of the RoleBinding
   * being created); false for cluster-scoped resources and non-resource URLs, whose
   * requests never carry a namespace, so only ClusterRoleBindings grant them.
   */
  namespaced: boolean;
}

const VERSION = /^v\d+(?:(?:alpha|beta)\d+)?$/;

/** Syntax only (usage errors before anything is read): an error sentence, or undefined. */
export function checkRequestSyntax(spec: RequestSpec): string | undefined {
  if (spec.verb === '') return 'empty verb';
  if (spec.resource.startsWith('/')) {
    if (spec.subresource || spec.name || spec.namespace) return 'a non-resource URL takes no --subresource, --name or -n';
    return undefined;
  }
  const [qualified = '', written = ''] = spec.resource.split('/', 2);
  if (written && spec.subresource && written !== spec.subresource) return `subresource given twice: "${written}" and --subresource "${spec.subresource}"`;
  if (qualified === '' || qualified.startsWith('.') || qualified.endsWith('.')) return `malformed resource "${spec.resource}": expected RESOURCE[.GROUP][/SUBRESOURCE] or a URL starting with /`;
  return undefined;
}

/** The catalog entry a name (with its group, if written) denotes, as kubectl's RESTMapper and short-name expander find it. */
function lookup(name: string, group: string | undefined, catalog: ResourceCatalog): ApiResource | undefined {
  const candidates = group === undefined ? catalog.resources : catalog.resources.filter((entry) => entry.group === group);
  return (
    candidates.find((entry) => entry.resource === name || entry.singular === name) ??
    candidates.find((entry) => entry.shortNames.includes(name)) ??
    candidates.find((entry) => entry.kind.toLowerCase() === name)
  );
}

/** Resolves the resource and builds the authorizer's question, or returns an error sentence. */
export function resolveRequest(spec: RequestSpec, catalog: ResourceCatalog = BUILTIN_CATALOG): ResolvedRequest | string {
  const syntax = checkRequestSyntax(spec);
  if (syntax !== undefined) return syntax;
  if (spec.resource.startsWith('/')) {
    const request: NonResourceRequest = { verb: spec.verb, path: spec.resource };
    return { request, namespaced: false };
  }
  const [qualified = '', written = ''] = spec.resource.split('/', 2);
  const subresource = written || spec.subresource || '';
  const text = qualified.toLowerCase();
  const dot = text.indexOf('.');
  const name = dot < 0 ? text : text.slice(0, dot);
  let group = dot < 0 ? undefined : text.slice(dot + 1);
  // RESOURCE.VERSION.GROUP, as kubectl accepts it
  const version = group?.split('.', 1)[0] ?? '';
  if (group !== undefined && VERSION.test(version) && group.length > version.length + 1) group = group.slice(version.length + 1);
  let resource: string;
  let apiGroup: string;
  let namespaced: boolean;
  if (name === '*') {
    // every resource: matched only by rules that say `*`
    resource = '*';
    apiGroup = group ?? '';
    namespaced = true;
  } else {
    const entry = lookup(name, group, catalog);
    if (!entry) return `unknown resource "${qualified}": no resource${group === undefined ? '' : ` of group "${group}"`} among ${catalog.searched} has that name (plural, singular, short name or kind)`;
    resource = entry.resource;
    apiGroup = entry.group;
    namespaced = entry.namespaced;
  }
  // The API server asks bind on the referenced role in the namespace of the binding being created.
  if (!namespaced && spec.verb === 'bind' && apiGroup === 'rbac.authorization.k8s.io' && resource === 'clusterroles') namespaced = true;
  return {
    request: {
      verb: spec.verb,
      apiGroup,
      resource,
      ...(subresource ? { subresource } : {}),
      ...(spec.name ? { name: spec.name } : {}),
      namespace: namespaced ? (spec.namespace ?? '') : '',
    },
    namespaced,
  };
}

/** Builds the authorizer's question, or returns an error sentence. */
export function parseRequest(spec: RequestSpec, catalog: ResourceCatalog = BUILTIN_CATALOG): AccessRequest | string {
  const resolved = resolveRequest(spec, catalog);
  return typeof resolved === 'string' ? resolved : resolved.request;
}

/** `get deployments.apps/scale "web" in namespace "shop"`, for messages. */
export function describeRequest(request: AccessRequest): string {
  if ('path' in request) return `${request.verb} ${request.path}`;
  const group = request.apiGroup ? `.${request.apiGroup}` : '';
  const target = `${request.resource}${group}${request.subresource ? `/${request.subresource}` : ''}`;
  const name = request.name ? ` "${request.name}"` : '';
  return `${request.verb} ${target}${name} ${request.namespace ? `in namespace "${request.namespace}"` : 'cluster-wide'}`;
}
