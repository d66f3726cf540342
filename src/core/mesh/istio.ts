/**
 * Istio's data-plane membership and mutual TLS semantics, as istiod resolves them (Istio 1.2x:
 * pilot/pkg/security/authn ComposePeerAuthentication, pkg/kube/inject injectRequired,
 * pilot/pkg/networking/util MergeSubsetTrafficPolicy, ResolveShortnameToFQDN). Pure: objects in,
 * answers out.
 */
import type { KubeObject, Resource } from '../model/resource.js';
import { metadataOf } from '../model/resource.js';
import type { Workload } from '../kinds/pod-spec.js';
import { asArray, asRecord, asString, asStringRecord } from '../model/values.js';
import { imagePathSegments } from '../images/reference.js';

/**
 * How a namespace's labels put its pods in an Istio data plane: 'sidecar' (istio-injection=enabled,
 * or istio.io/rev without istio-injection), 'ambient' (istio.io/dataplane-mode=ambient), 'closed'
 * (an istio-injection label other than enabled: no injection webhook matches its pods, not even
 * the ones that ask), 'none' (no label: pods may ask for a sidecar themselves).
 */
export type IstioNamespaceMode = 'sidecar' | 'ambient' | 'closed' | 'none';

/** The data plane a namespace's labels select (sidecar injection wins over ambient for injected pods). */
export function istioNamespaceMode(namespace: KubeObject): IstioNamespaceMode {
  const labels = asStringRecord(metadataOf(namespace).labels);
  return istioModeOfLabels(labels);
}

/** Whether a namespace mode puts pods in a data plane by default. */
export function isMeshedNamespaceMode(mode: IstioNamespaceMode | undefined): boolean {
  return mode === 'sidecar' || mode === 'ambient';
}

function istioModeOfLabels(labels: Record<string, string>): IstioNamespaceMode {
  const injection = labels['istio-injection'];
  // istio-injection takes precedence over istio.io/rev: the revision webhooks select namespaces without it.
  if (injection === 'enabled') return 'sidecar';
  if (injection === undefined && labels['istio.io/rev'] !== undefined && labels['istio.io/rev'] !== '') return 'sidecar';
  if (labels['istio.io/dataplane-mode'] === 'ambient') return 'ambient';
  return injection === undefined ? 'none' : 'closed';
}

/** Values of sidecar.istio.io/inject that ask for injection (YAML booleans, as the injector reads them). */
const YES = new Set(['y', 'yes', 'true', 'on']);

/** Where a pod stands with Istio, and what decided it. */
export interface IstioPodMembership {
  /** 'sidecar' or 'ambient' when the pod's traffic goes through an Istio proxy; 'none' otherwise; 'unknown' when the namespace was not scanned and the pod says nothing. */
  mode: 'sidecar' | 'ambient' | 'none' | 'unknown';
  /** Set when the pod opts out of a data plane its namespace selects. */
  optOut?: { field: 'label' | 'annotation'; key: string; value: string; namespaceMode: 'sidecar' | 'ambient' };
}

/**
 * The pod template's membership, as the injection webhooks and the injector decide it: in a
 * namespace labelled for injection a pod is injected unless its sidecar.istio.io/inject label, or
 * the annotation of that name when there is no label, has a value other than y, yes, true or on;
 * in a namespace without injection labels only the pod's own labels reach a webhook
 * (sidecar.istio.io/inject=true for the default revision, istio.io/rev=<revision> unless
 * sidecar.istio.io/inject=false); an istio-injection label other than enabled closes the
 * namespace to both. Then ambient: istio.io/dataplane-mode on the pod (ambient or none) over the
 * namespace's. hostNetwork pods are never injected. `namespaceMode` is undefined when the
 * Namespace object is not known (its pods are judged as in a namespace without labels).
 */
export function istioPodMembership(workload: Workload, namespaceMode: IstioNamespaceMode | undefined): IstioPodMembership {
  if (workload.podSpec.hostNetwork === true) return { mode: 'none' };
  const labels = asStringRecord(workload.podMetadata.labels);
  const annotations = asStringRecord(workload.podMetadata.annotations);
  const labelValue = labels['sidecar.istio.io/inject'];
  const value = labelValue ?? annotations['sidecar.istio.io/inject'] ?? '';
  const field: 'label' | 'annotation' = labelValue !== undefined ? 'label' : 'annotation';
  const asked = value === '' ? undefined : YES.has(value.toLowerCase());
  if (namespaceMode === 'sidecar') {
    if (asked === false) return { mode: 'none', optOut: { field, key: 'sidecar.istio.io/inject', value, namespaceMode: 'sidecar' } };
    return { mode: 'sidecar' };
  }
  // An ambient namespace usually carries no injection label: a pod there may still ask for a sidecar.
  if (namespaceMode === 'none' || namespaceMode === 'ambient' || namespaceMode === undefined) {
    const revision = labels['istio.io/rev'];
    if (revision !== undefined && revision !== '' && asked !== false) return { mode: 'sidecar' };
    if (revision === undefined && labelValue !== undefined && labelValue === 'true') return { mode: 'sidecar' };
  }
  const podDataplane = labels['istio.io/dataplane-mode'];
  if (podDataplane === 'none') {
    if (namespaceMode === 'ambient') return { mode: 'none', optOut: { field: 'label', key: 'istio.io/dataplane-mode', value: 'none', namespaceMode: 'ambient' } };
    return { mode: 'none' };
  }
  if (podDataplane === 'ambient' || namespaceMode === 'ambient') return { mode: 'ambient' };
  return { mode: namespaceMode === undefined ? 'unknown' : 'none' };
}

/** Whether the workload is itself an Istio proxy (gateway, waypoint, ztunnel): PeerAuthentication and injection do not concern it. */
export function isIstioProxy(workload: Workload): boolean {
  const images = workload.containers.filter((container) => container.type === 'container').map((container) => asString(container.container.image));
  return images.length > 0 && images.every((image) => image !== undefined && ['proxyv2', 'ztunnel'].includes(imagePathSegments(image).at(-1) ?? ''));
}

// ---------------------------------------------------------------------------------------------
// PeerAuthentication

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';
type DeclaredMode = MtlsMode | 'UNSET';

function declaredMode(value: unknown): DeclaredMode {
  const text = asString(value);
  return text === 'STRICT' || text === 'PERMISSIVE' || text === 'DISABLE' ? text : 'UNSET';
}

/** One PeerAuthentication as istiod sees it. */
export interface PeerAuthentication {
  resource: Resource;
  namespace: string;
  name: string;
  /** metadata.creationTimestamp ('' when absent: a manifest; Go's zero time sorts first). */
  created: string;
  /** spec.selector.matchLabels; empty means namespace-wide (or mesh-wide in the root namespace). */
  matchLabels: Record<string, string>;
  mode: DeclaredMode;
  /** spec.portLevelMtls by workload (container) port. */
  ports: Array<{ port: number; mode: DeclaredMode; key: string }>;
}

export function readPeerAuthentication(resource: Resource): PeerAuthentication {
  const metadata = metadataOf(resource.object);
  const spec = asRecord(resource.object.spec) ?? {};
  const ports: PeerAuthentication['ports'] = [];
  for (const [key, value] of Object.entries(asRecord(spec.portLevelMtls) ?? {})) {
    const port = Number(key);
    if (Number.isInteger(port)) ports.push({ port, mode: declaredMode(asRecord(value)?.mode), key });
  }
  return {
    resource,
    namespace: resource.ref.namespace ?? 'default',
    name: resource.ref.name,
    created: asString(metadata.creationTimestamp) ?? '',
    matchLabels: asStringRecord(asRecord(spec.selector)?.matchLabels),
    mode: declaredMode(asRecord(spec.mtls)?.mode),
    ports: ports.sort((a, b) => a.port - b.port),
  };
}

/** Istio's order: oldest first, then by name, then by namespace. */
function older(a: PeerAuthentication, b: PeerAuthentication): boolean {
  if (a.created !== b.created) return a.created < b.created;
  if (a.name !== b.name) return a.name < b.name;
  return a.namespace < b.namespace;
}

function oldest(policies: readonly PeerAuthentication[]): PeerAuthentication | undefined {
  let best: PeerAuthentication | undefined;
  for (const policy of policies) if (!best || older(policy, best)) best = policy;
  return best;
}

/** Where an effective mode came from. */
export type ModeSource =
  | { level: 'default' }
  | { level: 'mesh' | 'namespace' | 'workload'; policy: PeerAuthentication };

export interface EffectiveMtls {
  mode: MtlsMode;
  source: ModeSource;
  /** The workload-level policy that applies (its mode may be UNSET). */
  workloadPolicy?: PeerAuthentication;
  /** Port-level modes of the workload policy, resolved (UNSET inherits the workload's mode). */
  ports: Array<{ port: number; mode: MtlsMode; key: string }>;
}

/** The PeerAuthentications of an inventory, indexed the way istiod composes them. */
export class PeerAuthenticationIndex {
  private readonly byNamespace = new Map<string, PeerAuthentication[]>();

  constructor(
    policies: readonly PeerAuthentication[],
    readonly rootNamespace: string,
  ) {
    for (const policy of policies) {
      const list = this.byNamespace.get(policy.namespace) ?? [];
      list.push(policy);
      this.byNamespace.set(policy.namespace, list);
    }
  }

  private selectorless(namespace: string): PeerAuthentication | undefined {
    return oldest((this.byNamespace.get(namespace) ?? []).filter((policy) => Object.keys(policy.matchLabels).length === 0));
  }

  /** The mesh-wide policy: the oldest without a selector in the root namespace. */
  meshPolicy(): PeerAuthentication | undefined {
    return this.selectorless(this.rootNamespace);
  }

  /**
   * The mode of a namespace's pods that no workload policy selects: the namespace policy's,
   * UNSET inheriting the mesh policy's, UNSET or none meaning PERMISSIVE.
   */
  namespaceMode(namespace: string): { mode: MtlsMode; source: ModeSource } {
    let result: { mode: MtlsMode; source: ModeSource } = { mode: 'PERMISSIVE', source: { level: 'default' } };
    const mesh = this.meshPolicy();
    if (mesh && mesh.mode !== 'UNSET') result = { mode: mesh.mode, source: { level: 'mesh', policy: mesh } };
    if (namespace !== this.rootNamespace) {
      const own = this.selectorless(namespace);
      if (own && own.mode !== 'UNSET') result = { mode: own.mode, source: { level: 'namespace', policy: own } };
    }
    return result;
  }

  /**
   * The effective policy of pods with these labels: the oldest workload policy of their namespace
   * whose matchLabels they carry (selector policies in the root namespace are ignored), over the
   * namespace's mode; its portLevelMtls per port.
   */
  effective(namespace: string, labels: Record<string, string>): EffectiveMtls {
    const base = this.namespaceMode(namespace);
    const candidates =
      namespace === this.rootNamespace
        ? []
        : (this.byNamespace.get(namespace) ?? []).filter((policy) => {
            const keys = Object.keys(policy.matchLabels);
            return keys.length > 0 && keys.every((key) => labels[key] === policy.matchLabels[key]);
          });
    const workloadPolicy = oldest(candidates);
    if (!workloadPolicy) return { ...base, ports: [] };
    const own = workloadPolicy.mode !== 'UNSET';
    const mode = own ? (workloadPolicy.mode as MtlsMode) : base.mode;
    const source: ModeSource = own ? { level: 'workload', policy: workloadPolicy } : base.source;
    const ports = workloadPolicy.ports.map((entry) => ({ port: entry.port, key: entry.key, mode: entry.mode === 'UNSET' ? mode : (entry.mode as MtlsMode) }));
    return { mode, source, workloadPolicy, ports };
  }
}

/** How a message names where a mode came from. */
export function describeSource(source: ModeSource): string {
  switch (source.level) {
    case 'default':
      return 'no PeerAuthentication applies, and Istio defaults to PERMISSIVE';
    case 'mesh':
      return `the mesh-wide PeerAuthentication ${source.policy.namespace}/${source.policy.name} sets ${source.policy.mode}`;
    case 'namespace':
      return `PeerAuthentication ${source.policy.namespace}/${source.policy.name} sets ${source.policy.mode} for the namespace`;
    case 'workload':
      return `PeerAuthentication ${source.policy.namespace}/${source.policy.name} selects it and sets ${source.policy.mode}`;
  }
}

// ---------------------------------------------------------------------------------------------
// DestinationRule

/** A DestinationRule's host as istiod reads it: a short name (no dot) is in the rule's namespace. */
export function destinationRuleHost(host: string, namespace: string, clusterDomain: string): string {
  const lower = host.toLowerCase();
  if (lower === '*' || lower.includes('.') || lower.includes(':')) return lower;
  return `${lower}.${namespace}.svc.${clusterDomain}`;
}

/** Whether a (possibly wildcard) DestinationRule host covers a service hostname. */
export function hostCovers(host: string, hostname: string): boolean {
  if (host === '*') return true;
  if (host.startsWith('*')) return hostname.endsWith(host.slice(1));
  return host === hostname;
}

/** A place in a DestinationRule that sets a TLS mode. */
export interface TlsSetting {
  mode: string;
  path: Array<string | number>;
  /** 'rule' (trafficPolicy), or a port-level entry, a subset, a subset's port-level entry. */
  subset?: string;
  port?: number;
}

interface PolicyView {
  tls?: TlsSetting;
  ports: Array<{ number: number | undefined; tls?: TlsSetting; index: number }>;
}

function tlsAt(policy: Record<string, unknown> | undefined, path: Array<string | number>, extra: Partial<TlsSetting>): TlsSetting | undefined {
  const tls = asRecord(policy?.tls);
  if (!tls) return undefined;
  // ClientTLSSettings' mode defaults to DISABLE (the enum's zero): a tls block without one turns TLS off.
  const mode = asString(tls.mode);
  return { mode: mode ?? 'DISABLE', path: mode === undefined ? [...path, 'tls'] : [...path, 'tls', 'mode'], ...extra };
}

function policyView(policy: Record<string, unknown> | undefined, path: Array<string | number>, subset: string | undefined): PolicyView {
  const ports: PolicyView['ports'] = [];
  asArray(policy?.portLevelSettings).forEach((item, index) => {
    const entry = asRecord(item);
    if (!entry) return;
    const number = asRecord(entry.port)?.number;
    const port = typeof number === 'number' ? number : undefined;
    const tls = tlsAt(entry, [...path, 'portLevelSettings', index], { ...(subset !== undefined ? { subset } : {}), ...(port !== undefined ? { port } : {}) });
    ports.push({ number: port, index, ...(tls ? { tls } : {}) });
  });
  const tls = tlsAt(policy, path, subset !== undefined ? { subset } : {});
  return { ...(tls ? { tls } : {}), ports };
}

/**
 * The TLS setting in force for one service port, for the rule's default cluster and for each
 * subset: a port-level entry for the port replaces the level's policy whole (no tls there means
 * Istio's default, auto mTLS); a subset's setting overrides the rule's, a subset's port-level
 * entry always does. undefined: no tls anywhere, auto mTLS.
 */
export function tlsInForce(rule: KubeObject, port: number | undefined): Array<{ subset: string | undefined; setting: TlsSetting | undefined }> {
  const spec = asRecord(rule.spec) ?? {};
  const top = policyView(asRecord(spec.trafficPolicy), ['spec', 'trafficPolicy'], undefined);
  const atPort = (view: PolicyView): { hasPortLevel: boolean; tls: TlsSetting | undefined } => {
    const entry = port === undefined ? undefined : view.ports.find((item) => item.number === port);
    return entry ? { hasPortLevel: true, tls: entry.tls } : { hasPortLevel: false, tls: view.tls };
  };
  const ruleLevel = atPort(top).tls;
  const out: Array<{ subset: string | undefined; setting: TlsSetting | undefined }> = [{ subset: undefined, setting: ruleLevel }];
  asArray(spec.subsets).forEach((item, index) => {
    const subset = asRecord(item);
    if (!subset) return;
    const name = asString(subset.name) ?? String(index);
    const policy = asRecord(subset.trafficPolicy);
    if (!policy) {
      out.push({ subset: name, setting: ruleLevel });
      return;
    }
    const own = atPort(policyView(policy, ['spec', 'subsets', index, 'trafficPolicy'], name));
    out.push({ subset: name, setting: own.tls !== undefined || own.hasPortLevel ? own.tls : ruleLevel });
  });
  return out;
}

/** Every TLS setting a rule writes, wherever it is (for rules whose service ports are not known). */
export function tlsSettings(rule: KubeObject): TlsSetting[] {
  const spec = asRecord(rule.spec) ?? {};
  const out: TlsSetting[] = [];
  const collect = (view: PolicyView): void => {
    if (view.tls) out.push(view.tls);
    for (const entry of view.ports) if (entry.tls) out.push(entry.tls);
  };
  collect(policyView(asRecord(spec.trafficPolicy), ['spec', 'trafficPolicy'], undefined));
  asArray(spec.subsets).forEach((item, index) => {
    const subset = asRecord(item);
    if (subset) collect(policyView(asRecord(subset.trafficPolicy), ['spec', 'subsets', index, 'trafficPolicy'], asString(subset.name) ?? String(index)));
  });
  return out;
}

/** The namespaces a rule is exported to: undefined for every namespace; an empty set for none ("~"). */
export function exportedTo(rule: KubeObject, namespace: string): Set<string> | undefined {
  const values = asArray(asRecord(rule.spec)?.exportTo).map(String);
  if (values.length === 0 || values.includes('*')) return undefined;
  const out = new Set<string>();
  for (const value of values) {
    if (value === '~') continue;
    out.add(value === '.' ? namespace : value);
  }
  return out;
}
