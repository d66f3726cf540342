import { kindInfo } from '../../core/kinds/catalog.js';
import { isClusterScoped } from '../../core/kinds/scope.js';
import type { InputError } from '../../core/model/finding.js';
import { refOf, type ObjectRef, type Resource } from '../../core/model/resource.js';
import { sourceLabel, type Source } from '../../core/model/source.js';
import { asRecord, asString } from '../../core/model/values.js';
import { discoverResources } from './discovery.js';
import { describeFailure, listAll, METADATA_ONLY, reachCluster, tidy, type ClusterOptions } from './read.js';

export interface LiveRead {
  context: string;
  resources: Resource[];
  errors: InputError[];
}

function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/**
 * The live objects of the kinds and namespaces the desired objects name, listed in the desired
 * objects' own API versions (so fields are compared in the shape the manifests use); Secrets
 * as metadata only, never a value. Kinds Palisade's catalog does not know (custom resources)
 * are found through discovery. A kind the server does not serve or the identity may not list
 * is an error naming it.
 */
export async function readLiveFor(desired: readonly ObjectRef[], options: Pick<ClusterOptions, 'kubeconfig' | 'context' | 'progress'>): Promise<LiveRead> {
  const { connection, where } = await reachCluster(options);
  const cluster: Source = { kind: 'cluster', context: connection.context };
  const file = sourceLabel(cluster);
  const resources: Resource[] = [];
  const errors: InputError[] = [];
  let discovered: Awaited<ReturnType<typeof discoverResources>> | undefined;
  const collections = new Map<string, { apiVersion: string; kind: string; namespace?: string }>();
  for (const ref of desired) {
    const namespace = isClusterScoped(ref.kind) ? undefined : ref.namespace;
    collections.set(`${ref.apiVersion}/${ref.kind}/${namespace ?? ''}`, { apiVersion: ref.apiVersion, kind: ref.kind, ...(namespace !== undefined ? { namespace } : {}) });
  }
  for (const { apiVersion, kind, namespace } of [...collections.values()]) {
    const { group, version: v } = groupVersion(apiVersion);
    const known = kindInfo(kind);
    let plural = known && known.group === group ? known.plural : undefined;
    let namespaced = known && known.group === group ? known.namespaced : !isClusterScoped(kind);
    if (plural === undefined) {
      try {
        discovered ??= await discoverResources(connection);
      } catch (error) {
        errors.push({ code: 'cluster-error', message: `cannot find the resource of ${kind} (${apiVersion}): ${describeFailure(error)}`, file, source: cluster, kind });
        continue;
      }
      const found = discovered.find((resource) => resource.group === group && resource.kind === kind);
      if (!found) {
        errors.push({ code: 'cluster-error', message: `${where} does not serve ${kind} in ${apiVersion}: its desired objects were not compared`, file, source: cluster, kind });
        continue;
      }
      plural = found.resource;
      namespaced = found.namespaced;
    }
    const prefix = group === '' ? `/api/${v}` : `/apis/${group}/${v}`;
    const path = namespaced && namespace ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${plural}` : `${prefix}/${plural}`;
    options.progress?.(`listing ${plural}${namespace ? ` in ${namespace}` : ''}`);
    const secret = group === '' && kind === 'Secret';
    let listed;
    try {
      listed = await listAll(connection, path, secret ? METADATA_ONLY : undefined, 500);
    } catch (error) {
      errors.push({ code: 'cluster-error', message: `${where} stopped answering while listing ${plural}: ${describeFailure(error)}`, file, source: cluster, field: path, kind });
      continue;
    }
    if ('status' in listed) {
      errors.push({
        code: listed.status === 403 ? 'forbidden' : 'cluster-error',
        message: `${listed.status === 403 ? 'not allowed to list' : `listing failed with HTTP ${listed.status}:`} ${plural}${namespace ? ` in ${namespace}` : ''}: its desired objects were not compared (${listed.message})`,
        file,
        source: cluster,
        field: path,
        kind,
      });
      continue;
    }
    for (const item of listed.items) {
      const object = tidy(item, secret);
      object.apiVersion = apiVersion;
      object.kind = kind;
      const metadata = asRecord(object.metadata);
      const uid = asString(metadata?.uid);
      const source: Source = { kind: 'cluster', context: connection.context, ...(uid !== undefined ? { uid } : {}) };
      resources.push({ ref: refOf(object, (k) => !namespaced || isClusterScoped(k)), object, origin: { source, document: resources.length } });
    }
  }
  return { context: connection.context, resources, errors };
}
