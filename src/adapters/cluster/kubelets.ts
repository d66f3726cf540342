import { configzRef, isKubeletConfigz } from '../../core/kinds/kubelet.js';
import type { SkippedDocument } from '../../core/model/finding.js';
import type { KubeObject, Resource } from '../../core/model/resource.js';
import { sourceLabel, type Source } from '../../core/model/source.js';
import { asArray, asRecord } from '../../core/model/values.js';
import { METADATA_ONLY, statusMessage, type Connection } from './read.js';

/** How many kubelets are asked at once, and how long one may take. */
const CONCURRENCY = 8;
const MAX_CONFIGZ_BYTES = 4 << 20;

export interface KubeletRead {
  resources: Resource[];
  skipped: SkippedDocument[];
}

/** Whether the API server lets the caller do this, by SelfSubjectAccessReview. */
async function allowed(connection: Connection, attributes: Record<string, string>): Promise<{ allowed: boolean; reason: string }> {
  const response = await connection.post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: attributes },
  });
  if (response.status !== 201 && response.status !== 200) return { allowed: false, reason: `SelfSubjectAccessReview failed with HTTP ${response.status}` };
  const status = asRecord((JSON.parse(response.body) as Record<string, unknown>).status);
  return { allowed: status?.allowed === true, reason: String(status?.reason ?? '') };
}

/**
 * Reads each node's kubelet configuration in effect through the API server's node proxy
 * (GET /api/v1/nodes/NODE/proxy/configz), only when the caller may: `get nodes/proxy` also
 * reaches the kubelet's exec and logs, so Palisade's own ClusterRole does not grant it and
 * its absence is reported as a note, not an error.
 */
export async function readKubeletConfigs(connection: Connection, context: string, progress?: (text: string) => void): Promise<KubeletRead> {
  const out: KubeletRead = { resources: [], skipped: [] };
  const cluster: Source = { kind: 'cluster', context };
  const note = (reason: string) => out.skipped.push({ file: sourceLabel(cluster), source: cluster, document: 0, reason });
  const proxy = await allowed(connection, { verb: 'get', resource: 'nodes', subresource: 'proxy' });
  if (!proxy.allowed) {
    note('kubelet configuration not read: not allowed to get nodes/proxy (grant deploy/clusterrole-kubelet.yaml to check kubelet settings)');
    return out;
  }
  const list = await connection.get('/api/v1/nodes', METADATA_ONLY);
  if (list.status !== 200) {
    note(`kubelet configuration not read: listing nodes failed with HTTP ${list.status}`);
    return out;
  }
  const names = asArray((JSON.parse(list.body) as Record<string, unknown>).items)
    .map((item) => String(asRecord(asRecord(item)?.metadata)?.name ?? ''))
    .filter((name) => name !== '');
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const node = names[next++]!;
      progress?.(`reading the kubelet configuration of node ${node}`);
      const path = `/api/v1/nodes/${encodeURIComponent(node)}/proxy/configz`;
      try {
        const response = await connection.get(path);
        if (response.status !== 200) {
          note(`kubelet configuration of node ${node} not read: HTTP ${response.status}: ${statusMessage(response.body)}`);
          continue;
        }
        if (response.body.length > MAX_CONFIGZ_BYTES) {
          note(`kubelet configuration of node ${node} not read: the answer is over ${MAX_CONFIGZ_BYTES} bytes`);
          continue;
        }
        const object = asRecord(JSON.parse(response.body));
        if (!object || !isKubeletConfigz(object)) {
          note(`kubelet configuration of node ${node} not read: the answer is not a /configz document`);
          continue;
        }
        out.resources.push({ ref: { ...configzRef(), name: node }, object: object as KubeObject, origin: { source: { kind: 'cluster', context, path: `/nodes/${node}/configz` }, document: 0 } });
      } catch (error) {
        note(`kubelet configuration of node ${node} not read: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, names.length) }, worker));
  out.resources.sort((a, b) => a.ref.name.localeCompare(b.ref.name));
  return out;
}
