import type { KubeObject, Resource } from '../model/resource.js';
import { matchesMapSelector } from '../model/selectors.js';
import { asArray, asRecord, asString, asStringRecord } from '../model/values.js';
import { extractWorkload } from '../kinds/pod-spec.js';
import type { NetworkAnalysis } from './analysis.js';
import { NAMESPACE_NAME_LABEL, type NetworkWorkload } from './model.js';
import { resolveEndpoint } from './workloads.js';

export const GENERATED_REASON = 'palisade.dev/generated-reason';

/** A flow that should be allowed; `to` a workload or addresses; ports as in a NetworkPolicy. */
export interface Flow {
  from: { workload: NetworkWorkload } | { cidr: string } | { anyNamespace: true };
  to: { workload: NetworkWorkload } | { cidr: string };
  ports: Array<{ port?: number | string; protocol: string }> | undefined;
  reason: string;
}

/** One line of a flows file, as users write it. */
export interface ObservedFlow {
  from: string;
  to: string;
  port?: number | string;
  protocol?: string;
}

export interface GenerateOptions {
  baseline?: 'none' | 'same-namespace';
  observed?: readonly ObservedFlow[];
  /** only these namespaces (default: every namespace with workloads but kube-*) */
  namespaces?: readonly string[];
}

export interface Proposal {
  policies: KubeObject[];
  flows: Flow[];
  /** things the generator could not do, for stderr */
  notes: string[];
}

/** Labels that identify a revision or a single pod, not the workload: never put in a selector. */
const VOLATILE_LABELS = ['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'controller-uid', 'batch.kubernetes.io/controller-uid', 'job-name', 'batch.kubernetes.io/job-name', 'pod-template-generation'];

/** The labels that select a workload's pods: its own selector, else its pod labels without revision labels. */
export function workloadSelector(workload: NetworkWorkload): Record<string, string> {
  if (workload.selector && Object.keys(workload.selector).length > 0) return workload.selector;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(workload.labels)) if (!VOLATILE_LABELS.includes(key)) labels[key] = value;
  return labels;
}

const INGRESS_CONTROLLER_IMAGES = ['ingress-nginx/controller', 'nginx-ingress', 'traefik', 'haproxy-ingress', 'contour', 'kong', 'ingress-gce'];

function isIngressController(resource: Resource): boolean {
  const workload = extractWorkload(resource.object);
  return (workload?.containers ?? []).some((container) => {
    const image = asString(container.container.image) ?? '';
    return INGRESS_CONTROLLER_IMAGES.some((pattern) => image.includes(pattern));
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Strings a workload's containers read: env values, args, commands, and the ConfigMaps it mounts or reads. */
function referencedText(workload: NetworkWorkload, configMaps: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const resource of workload.resources) {
    const extracted = extractWorkload(resource.object);
    if (!extracted) continue;
    const configMapNames = new Set<string>();
    for (const volume of asArray(extracted.podSpec.volumes)) {
      const name = asString(asRecord(asRecord(volume)?.configMap)?.name);
      if (name) configMapNames.add(name);
    }
    for (const container of extracted.containers) {
      for (const field of ['args', 'command']) for (const item of asArray(container.container[field])) if (typeof item === 'string') out.push(item);
      for (const item of asArray(container.container.env)) {
        const entry = asRecord(item);
        if (typeof entry?.value === 'string') out.push(entry.value);
        const name = asString(asRecord(asRecord(entry?.valueFrom)?.configMapKeyRef)?.name);
        if (name) configMapNames.add(name);
      }
      for (const item of asArray(container.container.envFrom)) {
        const name = asString(asRecord(asRecord(item)?.configMapRef)?.name);
        if (name) configMapNames.add(name);
      }
    }
    for (const name of configMapNames) out.push(...(configMaps.get(`${workload.namespace}/${name}`) ?? []));
  }
  return out;
}

function serviceTargets(service: Resource): Array<{ port: number | string; protocol: string }> {
  return asArray(asRecord(service.object.spec)?.ports).flatMap((item) => {
    const entry = asRecord(item);
    if (!entry) return [];
    const target = entry.targetPort ?? entry.port;
    if (target === undefined) return [];
    const port = typeof target === 'number' ? target : /^\d+$/.test(String(target)) ? Number(target) : String(target);
    return [{ port, protocol: asString(entry.protocol) ?? 'TCP' }];
  });
}

/** The workloads a Service selects. */
function backendsOf(service: Resource, analysis: NetworkAnalysis): NetworkWorkload[] {
  const selector = asStringRecord(asRecord(service.object.spec)?.selector);
  if (Object.keys(selector).length === 0) return [];
  const namespace = service.ref.namespace ?? 'default';
  return [...analysis.model.workloads.values()].filter((workload) => workload.namespace === namespace && matchesMapSelector(selector, workload.labels));
}

/** Who talks to whom, as far as the objects say: Service references, Ingress backends, exposed Services, observed flows. */
export function inferFlows(analysis: NetworkAnalysis, resources: readonly Resource[], observed: readonly ObservedFlow[] = []): { flows: Flow[]; notes: string[] } {
  const flows: Flow[] = [];
  const notes: string[] = [];
  const services = resources.filter((resource) => resource.ref.kind === 'Service' && asString(asRecord(resource.object.spec)?.type) !== 'ExternalName');
  const configMaps = new Map<string, string[]>();
  for (const resource of resources) {
    if (resource.ref.kind !== 'ConfigMap') continue;
    configMaps.set(`${resource.ref.namespace ?? 'default'}/${resource.ref.name}`, Object.values(asStringRecord(resource.object.data)));
  }
  const workloads = [...analysis.model.workloads.values()].filter((workload) => workload.kind !== 'PodTemplate');
  const patterns = services.map((service) => {
    const name = escape(service.ref.name);
    const namespace = escape(service.ref.namespace ?? 'default');
    return {
      service,
      backends: backendsOf(service, analysis),
      // host, host.ns, host.ns.svc, host.ns.svc.cluster.local, as a whole host name
      qualified: new RegExp(`(?<![\\w.-])${name}\\.${namespace}(\\.svc(\\.cluster\\.local)?)?(?![\\w-]|\\.[\\w-])`),
      bare: new RegExp(`(?<![\\w.-])${name}(?![\\w-]|\\.[\\w-])`),
    };
  });
  for (const workload of workloads) {
    const texts = referencedText(workload, configMaps);
    if (texts.length === 0) continue;
    for (const pattern of patterns) {
      const sameNamespace = pattern.service.ref.namespace === workload.namespace;
      if (!texts.some((text) => pattern.qualified.test(text) || (sameNamespace && pattern.bare.test(text)))) continue;
      for (const backend of pattern.backends) {
        if (backend === workload) continue;
        flows.push({ from: { workload }, to: { workload: backend }, ports: serviceTargets(pattern.service), reason: `${workload.id} refers to Service ${pattern.service.ref.namespace}/${pattern.service.ref.name}` });
      }
    }
  }
  const controllers = workloads.filter((workload) => workload.resources.some(isIngressController));
  for (const ingress of resources.filter((resource) => resource.ref.kind === 'Ingress')) {
    const spec = asRecord(ingress.object.spec) ?? {};
    const names = new Set<string>();
    const add = (backend: unknown) => {
      const name = asString(asRecord(asRecord(backend)?.service)?.name) ?? asString(asRecord(backend)?.serviceName);
      if (name) names.add(name);
    };
    add(spec.defaultBackend);
    for (const rule of asArray(spec.rules)) for (const path of asArray(asRecord(asRecord(rule)?.http)?.paths)) add(asRecord(path)?.backend);
    for (const name of names) {
      const service = services.find((candidate) => candidate.ref.namespace === ingress.ref.namespace && candidate.ref.name === name);
      if (!service) continue;
      for (const backend of backendsOf(service, analysis)) {
        const reason = `Ingress ${ingress.ref.namespace}/${ingress.ref.name} routes to Service ${name}`;
        if (controllers.length === 0) {
          flows.push({ from: { anyNamespace: true }, to: { workload: backend }, ports: serviceTargets(service), reason: `${reason} (no ingress controller among the scanned workloads: every namespace allowed)` });
        } else for (const controller of controllers) flows.push({ from: { workload: controller }, to: { workload: backend }, ports: serviceTargets(service), reason });
      }
    }
  }
  for (const service of services) {
    const spec = asRecord(service.object.spec) ?? {};
    const type = asString(spec.type) ?? 'ClusterIP';
    if (type !== 'NodePort' && type !== 'LoadBalancer' && asArray(spec.externalIPs).length === 0) continue;
    for (const backend of backendsOf(service, analysis)) {
      for (const cidr of ['0.0.0.0/0', '::/0']) flows.push({ from: { cidr }, to: { workload: backend }, ports: serviceTargets(service), reason: `Service ${service.ref.namespace}/${service.ref.name} is of type ${type}` });
    }
  }
  for (const [index, flow] of observed.entries()) {
    try {
      const from = resolveEndpoint(analysis, flow.from);
      const to = resolveEndpoint(analysis, flow.to);
      const ports = flow.port === undefined ? undefined : [{ port: flow.port, protocol: flow.protocol ?? 'TCP' }];
      flows.push({
        from: from.type === 'workload' ? { workload: from.workload } : { cidr: from.label },
        to: to.type === 'workload' ? { workload: to.workload } : { cidr: to.label },
        ports,
        reason: `observed flow #${index + 1}`,
      });
    } catch (error) {
      notes.push(`observed flow #${index + 1}: ${(error as Error).message}`);
    }
  }
  return { flows, notes };
}

function dnsName(text: string): string {
  const name = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return name.slice(0, 253).replace(/-+$/, '');
}

function policy(namespace: string, name: string, reason: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: dnsName(name), namespace, labels: { 'app.kubernetes.io/managed-by': 'palisade' }, annotations: { [GENERATED_REASON]: reason } },
    spec,
  };
}

type Peer = Record<string, unknown>;

function peerFor(end: Flow['from'] | Flow['to'], policyNamespace: string): Peer | undefined {
  if ('cidr' in end) return { ipBlock: { cidr: end.cidr } };
  if ('anyNamespace' in end) return { namespaceSelector: {} };
  const podSelector = { matchLabels: workloadSelector(end.workload) };
  return end.workload.namespace === policyNamespace ? { podSelector } : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: end.workload.namespace } }, podSelector };
}

/**
 * A proposal: per namespace a default deny (both directions) and a DNS allow,
 * then least-privilege allows for every inferred flow, one ingress policy per
 * destination workload and one egress policy per source workload.
 */
export function generatePolicies(analysis: NetworkAnalysis, resources: readonly Resource[], options: GenerateOptions = {}): Proposal {
  const { flows, notes } = inferFlows(analysis, resources, options.observed ?? []);
  const inScope = (namespace: string) => (options.namespaces ? options.namespaces.includes(namespace) : !namespace.startsWith('kube-'));
  const namespaces = [...new Set([...analysis.model.workloads.values()].map((workload) => workload.namespace))].filter(inScope).sort();
  const policies: KubeObject[] = [];
  for (const namespace of namespaces) {
    policies.push(policy(namespace, 'default-deny', 'default deny: pods accept and open only the connections other policies allow', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    policies.push(
      policy(namespace, 'allow-dns', 'DNS to kube-dns (UDP and TCP 53), which a default-deny egress blocks', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      }),
    );
    if (options.baseline === 'same-namespace') {
      policies.push(
        policy(namespace, 'allow-same-namespace', 'baseline: pods of the namespace talk to each other', {
          podSelector: {},
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ podSelector: {} }] }],
          egress: [{ to: [{ podSelector: {} }] }],
        }),
      );
    }
  }
  interface Grouped {
    workload: NetworkWorkload;
    rules: Map<string, { peer: Peer; ports: Map<string, { port?: number | string; protocol: string }> | undefined }>;
    reasons: Set<string>;
  }
  const ingress = new Map<string, Grouped>();
  const egress = new Map<string, Grouped>();
  const addRule = (groups: Map<string, Grouped>, workload: NetworkWorkload, peer: Peer | undefined, ports: Flow['ports'], reason: string) => {
    if (!peer || !inScope(workload.namespace)) return;
    if (Object.keys(workloadSelector(workload)).length === 0) {
      notes.push(`${workload.id} has no labels to select its pods: no policy generated for it`);
      return;
    }
    let group = groups.get(workload.id);
    if (!group) groups.set(workload.id, (group = { workload, rules: new Map(), reasons: new Set() }));
    group.reasons.add(reason);
    const key = JSON.stringify(peer);
    let rule = group.rules.get(key);
    if (!rule) group.rules.set(key, (rule = { peer, ports: new Map() }));
    if (!ports) rule.ports = undefined;
    else if (rule.ports) for (const port of ports) rule.ports.set(`${port.protocol}/${port.port}`, port);
  };
  for (const flow of flows) {
    if ('workload' in flow.to) addRule(ingress, flow.to.workload, peerFor(flow.from, flow.to.workload.namespace), flow.ports, flow.reason);
    if ('workload' in flow.from) {
      // Named ports of Services resolve on the destination pods: fine in egress rules toward those pods.
      addRule(egress, flow.from.workload, peerFor(flow.to, flow.from.workload.namespace), flow.ports, flow.reason);
    }
  }
  const names = new Set<string>();
  const uniqueName = (namespace: string, base: string, workload: NetworkWorkload) => {
    let name = dnsName(base);
    if (names.has(`${namespace}/${name}`)) name = dnsName(`${base}-${workload.kind}`);
    names.add(`${namespace}/${name}`);
    return name;
  };
  const emit = (groups: Map<string, Grouped>, direction: 'Ingress' | 'Egress') => {
    for (const group of [...groups.values()].sort((a, b) => (a.workload.id < b.workload.id ? -1 : 1))) {
      const { workload } = group;
      const rules = [...group.rules.values()].map((rule) => ({
        [direction === 'Ingress' ? 'from' : 'to']: [rule.peer],
        ...(rule.ports && rule.ports.size > 0 ? { ports: [...rule.ports.values()].map((port) => ({ protocol: port.protocol, ...(port.port !== undefined ? { port: port.port } : {}) })) } : {}),
      }));
      const name = uniqueName(workload.namespace, `allow-${direction.toLowerCase()}-${workload.name}`, workload);
      policies.push(
        policy(workload.namespace, name, [...group.reasons].sort().join('; '), {
          podSelector: { matchLabels: workloadSelector(workload) },
          policyTypes: [direction],
          [direction === 'Ingress' ? 'ingress' : 'egress']: rules,
        }),
      );
    }
  };
  emit(ingress, 'Ingress');
  emit(egress, 'Egress');
  return { policies, flows, notes };
}
