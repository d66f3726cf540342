/** The Lease port over the cluster connection: GET, POST and PUT of one coordination.k8s.io/v1 Lease. */
import type { Lease, LeaseClient } from '../../app/leader.js';
import { statusMessage, type Connection } from './read.js';

export function leaseClient(connection: Pick<Connection, 'get' | 'post' | 'put'>, namespace: string, name: string): LeaseClient {
  const collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  const item = `${collection}/${encodeURIComponent(name)}`;
  const answer = (what: string, response: { status: number; body: string }): Lease | 'conflict' => {
    if (response.status === 409) return 'conflict';
    if (response.status >= 300) throw new Error(`${what} Lease ${namespace}/${name}: ${response.status} ${statusMessage(response.body)}`);
    return JSON.parse(response.body) as Lease;
  };
  return {
    async get() {
      const response = await connection.get(item);
      if (response.status === 404) return undefined;
      if (response.status !== 200) throw new Error(`get Lease ${namespace}/${name}: ${response.status} ${statusMessage(response.body)}`);
      return JSON.parse(response.body) as Lease;
    },
    create: async (lease) => answer('create', await connection.post(collection, lease)),
    replace: async (lease) => answer('update', await connection.put(item, lease)),
  };
}
