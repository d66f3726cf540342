import type { Inventory } from '../inventory/inventory.js';
import { cachedIn, defineAnalysis, NO_CONTRIBUTION } from '../inventory/analysis.js';
import { extractWorkload, WORKLOAD_KINDS, type Workload } from '../kinds/pod-spec.js';
import { defineCheck } from '../model/check.js';
import type { Path } from '../model/location.js';
import { metadataOf, type Resource } from '../model/resource.js';
import { matchesMapSelector } from '../model/selectors.js';
import { asRecord, asString, asStringRecord } from '../model/values.js';
import { imagePathSegments } from '../images/reference.js';
import { exposureOf } from './support/network.js';
import { httpRouteBackends, ingressBackends, serviceType } from '../network/exposure.js';

interface UiOptions {
  images: readonly string[];
  labelKeys: readonly string[];
  labelValues: readonly string[];
}

/** One segment of an image pattern against one segment of an image path; `*` matches any run of characters. */
function segmentMatches(pattern: string, segment: string): boolean {
  if (!pattern.includes('*')) return pattern === segment;
  const expression = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return expression.test(segment);
}

/**
 * Whether an image's repository path (registry host, tag and digest dropped)
 * ends with the pattern's segments: `grafana` matches grafana/grafana and
 * bitnami/grafana, `jaegertracing/all-in-one` only that repository.
 */
function patternSegments(pattern: string): string[] {
  return pattern.trim().toLowerCase().split('/').filter((segment) => segment !== '');
}

function imageMatches(wanted: readonly string[], segments: readonly string[]): boolean {
  if (wanted.length === 0 || wanted.length > segments.length) return false;
  const tail = segments.slice(segments.length - wanted.length);
  return wanted.every((segment, index) => segmentMatches(segment, tail[index]!));
}

/** The first name label (key in labelKeys, value in labelValues) of a label map, as `key=value`. */
function nameLabel(labels: Record<string, string>, options: UiOptions): string | undefined {
  for (const key of options.labelKeys) {
    const value = labels[key];
    if (value !== undefined && options.labelValues.includes(value)) return `${key}=${value}`;
  }
  return undefined;
}

interface ScannedPods {
  labels: Record<string, string>;
  /** what makes them a sensitive UI, for the message; undefined when nothing does */
  ui: string | undefined;
}

/** A workload's pod labels and what marks its pods as a sensitive UI (image first, then name label). */
function scannedPods(resource: Resource, workload: Workload, options: UiOptions, patterns: readonly string[][]): ScannedPods {
  const labels = asStringRecord(workload.podMetadata.labels);
  const pods = resource.ref.kind === 'Pod' ? `Pod "${resource.ref.name}"` : `the pods of ${resource.ref.kind} "${resource.ref.name}"`;
  const run = resource.ref.kind === 'Pod' ? 'runs' : 'run';
  let ui: string | undefined;
  // Containers that serve for the pod's life: app containers and native sidecars.
  for (const container of workload.containers) {
    if (container.type === 'ephemeralContainer' || (container.type === 'initContainer' && !container.sidecar)) continue;
    const image = asString(container.container.image);
    // The reference is parsed once per container, not once per pattern.
    const segments = image === undefined ? [] : imagePathSegments(image);
    if (image !== undefined && patterns.some((pattern) => imageMatches(pattern, segments))) {
      ui = `${pods}, which ${run} ${image}`;
      break;
    }
  }
  if (ui === undefined) {
    const label = nameLabel(labels, options);
    if (label !== undefined) ui = `${pods} (${label})`;
  }
  return { labels, ui };
}

/** Per namespace and option set, the scanned pods and what marks them as a sensitive UI. */
/**
 * What the check reads of a workload: with the check's options, its pod labels and whether (and
 * why) it is a sensitive UI, so a new image of an ordinary workload changes nothing for the
 * Services in front of it; without them (the inventory dropping the cache), its containers'
 * images and its pod labels. Of a Service, its spec.
 */
function uiReads(resource: Resource, options?: Readonly<Record<string, unknown>>): unknown {
  // A Service found behind an Ingress or route: its spec (selector, type, ports, external IPs).
  if (resource.ref.kind === 'Service') return { apiVersion: resource.ref.apiVersion, spec: resource.object.spec };
  const workload = extractWorkload(resource.object);
  if (!workload || workload.kind === 'PodTemplate') return workload?.kind ?? null;
  if (options && Array.isArray(options.images)) {
    const ui = options as unknown as UiOptions;
    return scannedPods(resource, workload, ui, ui.images.map(patternSegments));
  }
  return { labels: workload.podMetadata.labels, images: workload.containers.map((container) => [container.type, container.sidecar, container.container.image]) };
}

/**
 * What a workload adds as seen from the Services in front of it (Analysis.member): a sensitive
 * UI counts by identity (the message names it), any other workload adds nothing. Services count
 * by identity.
 */
function uiMember(resource: Resource, inventory: Inventory, options?: Readonly<Record<string, unknown>>): unknown {
  if (resource.ref.kind === 'Service' || !options || !Array.isArray(options.images)) return undefined;
  const workload = inventory.workloadOf(resource);
  if (!workload || workload.kind === 'PodTemplate') return NO_CONTRIBUTION;
  const ui = options as unknown as UiOptions;
  return scannedPods(resource, workload, ui, patternsOf(ui)).ui === undefined ? NO_CONTRIBUTION : undefined;
}

/** The image patterns of an option set, split once per set rather than per object compared. */
const patternCache = new WeakMap<UiOptions, string[][]>();
function patternsOf(options: UiOptions): string[][] {
  let patterns = patternCache.get(options);
  if (!patterns) patternCache.set(options, (patterns = options.images.map(patternSegments)));
  return patterns;
}

const podsCache = defineAnalysis({
  id: 'sensitive-ui/pods',
  reads: WORKLOAD_KINDS,
  scope: 'namespace',
  significant: uiReads,
  member: uiMember,
  build: () => new Map<string, ScannedPods[]>(),
});

/** The pod templates of a namespace, each with what marks it as a sensitive UI (image first, then name label). */
function podsIn(inventory: Inventory, namespace: string, options: UiOptions): ScannedPods[] {
  const key = `sensitive-ui/${namespace}/${options.images.join(',')}/${options.labelKeys.join(',')}/${options.labelValues.join(',')}`;
  return cachedIn(inventory.get(podsCache), key, () => {
    const patterns = options.images.map(patternSegments);
    const out: ScannedPods[] = [];
    for (const resource of inventory.ofKindsIn(WORKLOAD_KINDS, namespace)) {
      const workload = inventory.workloadOf(resource);
      if (!workload || workload.kind === 'PodTemplate') continue;
      out.push(scannedPods(resource, workload, options, patterns));
    }
    return out;
  });
}

/**
 * What makes the pods behind a Service a sensitive UI: a scanned workload it
 * selects, or else its own selector naming one (operator-managed pods, such
 * as Prometheus and Alertmanager, have no scanned template).
 */
function sensitiveUiBehind(service: Resource, inventory: Inventory, options: UiOptions): string | undefined {
  if (serviceType(service) === 'ExternalName') return undefined;
  const selector = asStringRecord(asRecord(service.object.spec)?.selector);
  if (Object.keys(selector).length === 0) return undefined;
  const namespace = service.ref.namespace ?? 'default';
  for (const pods of podsIn(inventory, namespace, options)) {
    if (pods.ui !== undefined && matchesMapSelector(selector, pods.labels)) return pods.ui;
  }
  const label = nameLabel(selector, options);
  return label === undefined ? undefined : `pods labelled ${label}`;
}

/** Annotation values that mean "no authentication" for the auth annotations. */
const NO_AUTH_VALUES = new Set(['', 'none', 'off', 'false', 'optional', 'optional_no_ca']);

export default defineCheck({
  id: 'sensitive-ui-exposed',
  title: 'Sensitive web UI reachable from outside the cluster',
  severity: 'high',
  category: 'network',
  description:
    'Administrative and monitoring UIs (Kubernetes Dashboard, Argo CD and Argo Workflows, Grafana, Prometheus, Alertmanager, Kibana, Jenkins, Weave Scope, Kubeflow, database admin tools...) hand out cluster credentials, command execution or sensitive data, and several have no login at all; exposed ones are found by Internet-wide scans within hours. Reported on NodePort and LoadBalancer Services and Services with external IPs (internal load balancers included), and on Ingresses and HTTPRoutes, whose backend Service selects such a UI: by the image of a scanned workload it selects, by a name label of those pods, or by a name label in its own selector. Ingresses with an authentication annotation in front are not reported.',
  remediation:
    'Keep the UI on a ClusterIP Service and reach it through kubectl port-forward, a VPN or an authenticating proxy (oauth2-proxy, an Ingress auth annotation, an identity-aware load balancer) restricted to administrators.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
    'https://kubernetes.io/docs/tasks/access-application-cluster/web-ui-dashboard/',
    'https://kubernetes.github.io/ingress-nginx/examples/auth/oauth-external-auth/',
  ],
  standards: {
    nsa: ['Network separation: network policies', 'Authentication and authorization'],
    mitre: ['T1133', 'T1190'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['HTTPRoute', 'Ingress', 'Service'] },
  reads: { kinds: ['Service', ...WORKLOAD_KINDS], significant: uiReads, member: uiMember, analyses: [podsCache], scope: 'cluster' },
  options: {
    images: {
      type: 'string[]',
      default: [
        'kubernetesui/dashboard',
        'kubernetesui/dashboard-api',
        'kubernetesui/dashboard-web',
        'kubernetes-dashboard-*',
        'argoproj/argocli',
        'grafana',
        'grafana-enterprise',
        'grafana-oss',
        'prometheus',
        'alertmanager',
        'kibana',
        'opensearch-dashboards',
        'jenkins',
        'weaveworks/scope',
        'centraldashboard',
        'central-dashboard',
        'kiali',
        'jaeger-query',
        'jaegertracing/all-in-one',
        'longhorn-ui',
        'rancher/rancher',
        'portainer-ce',
        'portainer-ee',
        'headlamp',
        'phpmyadmin',
        'pgadmin4',
        'mongo-express',
      ],
      description:
        'Image repositories of sensitive UIs, matched against the end of the repository path without registry, tag or digest (`grafana` matches grafana/grafana and bitnami/grafana); `*` matches within one path segment. Argo CD is recognised by label, as all its components share one image.',
    },
    labelValues: {
      type: 'string[]',
      default: [
        'kubernetes-dashboard',
        'kubernetes-dashboard-api',
        'kubernetes-dashboard-web',
        'argocd-server',
        'argo-server',
        'grafana',
        'prometheus',
        'alertmanager',
        'kibana',
        'opensearch-dashboards',
        'jenkins',
        'weave-scope-app',
        'centraldashboard',
        'kiali',
        'jaeger-query',
        'longhorn-ui',
        'rancher',
        'portainer',
        'headlamp',
      ],
      description: 'Values of the name labels (labelKeys) that mark pods, or a Service selector, as a sensitive UI.',
    },
    labelKeys: {
      type: 'string[]',
      default: ['app.kubernetes.io/name', 'app', 'k8s-app', 'name'],
      description: 'Labels whose value names the application.',
    },
    authAnnotations: {
      type: 'string[]',
      default: [
        'nginx.ingress.kubernetes.io/auth-url',
        'nginx.ingress.kubernetes.io/auth-type',
        'nginx.ingress.kubernetes.io/auth-tls-verify-client',
        'alb.ingress.kubernetes.io/auth-type',
        'ingress.kubernetes.io/auth-type',
      ],
      description: 'Ingress annotations that put authentication in front of the backends; an Ingress with one (other than none, off, false or optional) is not reported.',
    },
  },
  messages: {
    serviceExternalIps: 'Service "{{service}}" has external IPs and selects {{behind}}: a sensitive UI reachable from outside the cluster',
    serviceType: 'Service "{{service}}" is of type {{type}} and selects {{behind}}: a sensitive UI reachable from outside the cluster',
    route: '{{kind}} "{{name}}" routes to Service "{{service}}", which selects {{behind}}: a sensitive UI reachable from outside the cluster',
  },
  *evaluate({ resource, inventory, options }) {
    const ui: UiOptions = { images: options.images, labelKeys: options.labelKeys, labelValues: options.labelValues };
    const kind = resource.ref.kind;
    if (kind === 'Service') {
      const exposure = exposureOf(resource);
      if (!exposure) return;
      const behind = sensitiveUiBehind(resource, inventory, ui);
      if (behind === undefined) return;
      yield { path: exposure.path, messageId: exposure.via === 'externalIPs' ? 'serviceExternalIps' : 'serviceType', data: { service: resource.ref.name, type: exposure.via, behind } };
      return;
    }
    const namespace = resource.ref.namespace ?? 'default';
    let backends: Array<{ name: string; namespace: string; path: Path }>;
    if (kind === 'Ingress') {
      const annotations = asRecord(metadataOf(resource.object).annotations) ?? {};
      const authenticated = options.authAnnotations.some((key) => {
        const value = annotations[key];
        return value !== undefined && value !== null && !NO_AUTH_VALUES.has(String(value).trim().toLowerCase());
      });
      if (authenticated) return;
      backends = ingressBackends(asRecord(resource.object.spec) ?? {}).map((backend) => ({ ...backend, namespace }));
    } else {
      backends = httpRouteBackends(resource);
    }
    const seen = new Set<string>();
    for (const backend of backends) {
      const key = `${backend.namespace}/${backend.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const service = inventory.find('Service', backend.namespace, backend.name);
      if (!service) continue;
      const behind = sensitiveUiBehind(service, inventory, ui);
      if (behind === undefined) continue;
      yield { path: backend.path, messageId: 'route', data: { kind, name: resource.ref.name, service: backend.name, behind } };
    }
  },
});
