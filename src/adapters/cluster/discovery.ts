import type { ApiResource } from '../../core/rbac/resources.js';
import { asArray, asRecord, asString } from '../../core/model/values.js';
import { statusMessage, type Connection } from './read.js';

/**
 * The server's resource types, as kubectl's discovery reads them: /api/v1, then every group
 * of /apis, preferred version first, in the server's order (the core group wins a name
 * several groups share). Subresources are left out. Throws when discovery fails.
 */
export async function discoverResources(connection: Connection): Promise<ApiResource[]> {
  const read = async (path: string): Promise<Record<string, unknown>> => {
    const response = await connection.get(path);
    if (response.status !== 200) throw new Error(`discovery ${path} failed with HTTP ${response.status}: ${statusMessage(response.body)}`);
    return asRecord(JSON.parse(response.body)) ?? {};
  };
  const out: ApiResource[] = [];
  const seen = new Set<string>();
  const add = (group: string, list: Record<string, unknown>) => {
    for (const value of asArray(list.resources)) {
      const entry = asRecord(value);
      const name = asString(entry?.name);
      const kind = asString(entry?.kind);
      if (!entry || !name || !kind || name.includes('/') || seen.has(`${group}/${name}`)) continue;
      seen.add(`${group}/${name}`);
      out.push({
        group,
        resource: name,
        singular: asString(entry.singularName) || kind.toLowerCase(),
        kind,
        shortNames: asArray(entry.shortNames).filter((item): item is string => typeof item === 'string'),
        namespaced: entry.namespaced === true,
      });
    }
  };
  add('', await read('/api/v1'));
  for (const value of asArray((await read('/apis')).groups)) {
    const group = asRecord(value);
    const name = asString(group?.name);
    if (!group || name === undefined) continue;
    const preferred = asString(asRecord(group.preferredVersion)?.groupVersion);
    const versions = asArray(group.versions).map((version) => asString(asRecord(version)?.groupVersion)).filter((version): version is string => version !== undefined && version !== preferred);
    for (const version of [...(preferred ? [preferred] : []), ...versions]) {
      try {
        add(name, await read(`/apis/${version}`));
      } catch {
        // an unavailable aggregated API (metrics-server down) leaves its version out, as kubectl warns and goes on
      }
    }
  }
  return out;
}
