import { defineCheck } from '../model/check.js';
import { asRecord, asString } from '../model/values.js';
import { destinationRuleHost, exportedTo, isMeshedNamespaceMode, hostCovers, tlsInForce, tlsSettings, type TlsSetting } from '../mesh/istio.js';
import { exactRuleHostsAnalysis, istioModeOf, meshServicesAnalysis, type MeshService } from '../mesh/analyses.js';

/** TLS modes that leave Istio mutual TLS off: plaintext, or TLS without a client certificate Istio issues. */
const WEAK = new Set(['DISABLE', 'SIMPLE']);

function key(setting: TlsSetting): string {
  return setting.path.join('.');
}

export default defineCheck({
  id: 'istio-destination-rule-tls-disabled',
  title: 'Istio DestinationRule turns mutual TLS off towards a meshed service',
  severity: 'medium',
  category: 'network',
  description:
    'Istio sidecars send mutual TLS to meshed destinations on their own (auto mTLS) unless a DestinationRule sets trafficPolicy.tls: mode DISABLE (also what a tls block without a mode means) sends plaintext, and SIMPLE originates TLS without the client certificate that carries the workload\'s identity, so traffic can be read or altered, the server sees no principal, and under STRICT PeerAuthentication the connection fails. Reported on each DISABLE or SIMPLE setting that is in force for a Service whose pods are in an Istio data plane (or, when no scanned pod is selected, whose namespace is labelled for Istio), as istiod merges them: a portLevelSettings entry for a Service port replaces the rule-level policy for that port (an entry without tls restores auto mTLS), a subset\'s trafficPolicy overrides the rule\'s, a subset\'s port-level entry always does. Hosts are read as istiod reads them (a short name is in the rule\'s namespace; a name with a dot is taken as written); a wildcard host is reported for the meshed Services it covers that no scanned rule names exactly. Rules exported to no namespace (exportTo: ["~"]) apply nowhere and are not reported. Nothing is reported for hosts outside the mesh (ServiceEntries, Services of namespaces not labelled for Istio) nor where Istio is not in use.',
  remediation:
    'Remove the tls block (auto mTLS then uses ISTIO_MUTUAL towards meshed pods) or set mode: ISTIO_MUTUAL; keep DISABLE or SIMPLE only for destinations outside the mesh.',
  references: [
    'https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings',
    'https://istio.io/latest/docs/ops/configuration/traffic-management/tls-configuration/',
    'https://istio.io/latest/docs/concepts/security/#auto-mutual-tls',
  ],
  standards: {
    nsa: ['Network separation: network policies', 'Authentication and authorization'],
    mitre: ['T1040'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['DestinationRule'] },
  reads: { kinds: ['Namespace'], analyses: [meshServicesAnalysis, exactRuleHostsAnalysis], scope: 'cluster' },
  options: {
    clusterDomain: {
      type: 'string',
      default: 'cluster.local',
      description: 'The cluster\'s DNS domain, which completes short hosts (name.namespace.svc.<clusterDomain>).',
    },
  },
  messages: {
    setting: 'DestinationRule "{{name}}" sets TLS mode {{mode}} {{where}} towards {{targets}}, in the Istio mesh: {{effect}}',
  },
  *evaluate({ resource, inventory, options }) {
    if (!resource.ref.apiVersion.startsWith('networking.istio.io/')) return;
    const spec = asRecord(resource.object.spec) ?? {};
    const rawHost = asString(spec.host);
    if (rawHost === undefined || rawHost === '') return;
    const namespace = resource.ref.namespace ?? 'default';
    const exported = exportedTo(resource.object, namespace);
    if (exported !== undefined && exported.size === 0) return;
    const host = destinationRuleHost(rawHost, namespace, options.clusterDomain);
    const services = inventory.get(meshServicesAnalysis)(options.clusterDomain);
    const exact = inventory.get(exactRuleHostsAnalysis)(options.clusterDomain);
    const wildcard = host.includes('*');
    const targets: MeshService[] = [];
    const candidates = wildcard ? [...services.values()] : [services.get(host)].filter((service) => service !== undefined);
    for (const service of candidates) {
      if (!hostCovers(host, service.hostname) || service.inMesh !== true) continue;
      if (wildcard && exact.has(service.hostname)) continue;
      targets.push(service);
    }
    // The settings in force for some port of a targeted Service, with the Services they reach.
    const found = new Map<string, { setting: TlsSetting; services: Set<string> }>();
    const note = (setting: TlsSetting | undefined, service: string) => {
      if (!setting || !WEAK.has(setting.mode)) return;
      const entry = found.get(key(setting)) ?? { setting, services: new Set<string>() };
      entry.services.add(service);
      found.set(key(setting), entry);
    };
    for (const target of targets) {
      const name = `Service ${target.service.ref.namespace ?? 'default'}/${target.service.ref.name}`;
      const ports = target.ports.length > 0 ? target.ports : [undefined];
      for (const port of ports) for (const { setting } of tlsInForce(resource.object, port)) note(setting, name);
    }
    if (targets.length === 0 && !wildcard && !services.has(host)) {
      // The Service is not scanned: its namespace, when scanned, tells whether it is meshed.
      const suffix = `.svc.${options.clusterDomain.toLowerCase()}`;
      const match = host.endsWith(suffix) ? /^[^.]+\.([^.]+)$/.exec(host.slice(0, -suffix.length)) : null;
      const mode = match ? istioModeOf(inventory, match[1]!) : undefined;
      if (isMeshedNamespaceMode(mode)) for (const setting of tlsSettings(resource.object)) note(setting, `${host} (namespace ${match![1]} is labelled for Istio)`);
    }
    const effect = (mode: string) => (mode === 'SIMPLE' ? 'TLS without an Istio client certificate, so the server sees no workload identity' : 'plaintext, readable and alterable on the network');
    const sorted = [...found.values()].sort((a, b) => key(a.setting).localeCompare(key(b.setting), 'en'));
    for (const { setting, services: reached } of sorted) {
      const where = setting.subset !== undefined ? (setting.port !== undefined ? `for subset ${setting.subset} on port ${setting.port}` : `for subset ${setting.subset}`) : setting.port !== undefined ? `on port ${setting.port}` : 'for the rule';
      const scope = exported !== undefined ? ` (for clients in ${[...exported].sort().join(', ')})` : '';
      yield {
        path: setting.path,
        messageId: 'setting',
        data: { name: resource.ref.name, mode: setting.mode, where: `${where}${scope}`, targets: [...reached].sort().join(', '), effect: effect(setting.mode) },
      };
    }
  },
});
