/** The e2e network policy model (namespaces x, y, z; pods a, b, c serving 80 and 81 over TCP, UDP and SCTP) as objects. */
import { loadText } from '../../src/adapters/manifests/documents.js';
import type { Resource } from '../../src/core/model/resource.js';
import { analyzeNetwork, type Endpoint, type NetworkAnalysis } from '../../src/core/network/analysis.js';
import { buildNetworkModel } from '../../src/core/network/model.js';
import type { OracleCluster, OraclePod } from './netpol-oracle.js';

export const NAMESPACES = ['x', 'y', 'z'];
export const POD_NAMES = ['a', 'b', 'c'];
export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export const PORTS = [80, 81];

export type Obj = Record<string, any>;

export function toResources(objects: Obj[]): Resource[] {
  const loaded = loadText(objects.map((object) => JSON.stringify(object)).join('\n---\n'), 'test.yaml');
  if (loaded.errors.length > 0) throw new Error(loaded.errors.map((error) => error.message).join('; '));
  return loaded.resources;
}

export function podObject(namespace: string, name: string, labels: Record<string, string>, ports: OraclePod['ports'], hostNetwork = false): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: {
      ...(hostNetwork ? { hostNetwork: true } : {}),
      containers: [{ name: 'c', image: 'agnhost:2.43', ports: ports.map((port) => ({ ...(port.name ? { name: port.name } : {}), containerPort: port.port, protocol: port.protocol })) }],
    },
  };
}

export function e2ePorts(): OraclePod['ports'] {
  return PORTS.flatMap((port) => PROTOCOLS.map((protocol) => ({ name: `serve-${port}-${protocol.toLowerCase()}`, port, protocol })));
}

export function e2eObjects(): Obj[] {
  const objects: Obj[] = [];
  for (const namespace of NAMESPACES) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { ns: namespace } } });
    for (const pod of POD_NAMES) objects.push(podObject(namespace, pod, { pod }, e2ePorts()));
  }
  return objects;
}

export function policy(namespace: string, name: string, spec: Obj): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/** The analysis of objects, with each bare Pod's class looked up by `namespace/name`. */
export function analyze(objects: Obj[]): { analysis: NetworkAnalysis; endpoint: (pod: string) => Endpoint } {
  const analysis = analyzeNetwork(buildNetworkModel(toResources(objects)));
  const endpoint = (pod: string): Endpoint => {
    const found = analysis.model.classes.find((podClass) => podClass.pods.some((member) => `${member.namespace}/${member.resource.ref.name}` === pod));
    if (!found) throw new Error(`no pod ${pod}`);
    return { type: 'class', id: found.id };
  };
  return { analysis, endpoint };
}

/** The oracle's view of the same objects. */
export function oracleCluster(objects: Obj[]): { cluster: OracleCluster; pods: Array<OraclePod & { name: string }> } {
  const cluster: OracleCluster = { namespaces: {}, policies: [] };
  const pods: Array<OraclePod & { name: string }> = [];
  for (const object of objects) {
    if (object.kind === 'Namespace') cluster.namespaces[object.metadata.name] = object.metadata.labels ?? {};
    else if (object.kind === 'NetworkPolicy') cluster.policies.push(object);
    else if (object.kind === 'Pod') {
      cluster.namespaces[object.metadata.namespace] ??= {};
      pods.push({
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        labels: object.metadata.labels ?? {},
        hostNetwork: object.spec.hostNetwork === true,
        ports: object.spec.containers.flatMap((container: Obj) => (container.ports ?? []).map((port: Obj) => ({ name: port.name, port: port.containerPort, protocol: port.protocol ?? 'TCP' }))),
      });
    }
  }
  return { cluster, pods };
}
