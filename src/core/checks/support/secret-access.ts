/**
 * What a service account can read of the Secrets of its own namespace, from the RBAC model:
 * every Secret at once (list or watch) or any Secret by name (get without resourceNames).
 */
import { defineAnalysis, keyed } from '../../inventory/analysis.js';
import { rbacModel } from '../../rbac/analyses.js';
import { viaText } from '../../rbac/escalation.js';
import { identityOf } from '../../rbac/subjects.js';

export interface NamespaceSecretAccess {
  /** list or watch: the value of every Secret at once */
  bulk: boolean;
  /** the verbs allowed on every Secret of the namespace, in the order list, watch, get */
  verbs: string[];
  /** the binding, role and rule that allow the first of them */
  via: string;
}

/** A service account's access to every Secret of its namespace (`namespace/name`), computed per account on demand. */
export const namespaceSecretAccess = defineAnalysis({
  id: 'rbac/namespace-secret-access',
  reads: [],
  uses: [rbacModel],
  scope: 'cluster',
  build: (inventory) =>
    keyed((key: string): NamespaceSecretAccess | undefined => {
      const slash = key.indexOf('/');
      const namespace = key.slice(0, slash);
      const name = key.slice(slash + 1);
      const model = inventory.get(rbacModel);
      const identity = identityOf({ kind: 'ServiceAccount', namespace, name });
      const verbs: string[] = [];
      let via: string | undefined;
      for (const verb of ['list', 'watch', 'get']) {
        // No name: only rules without resourceNames allow it, as the authorizer decides.
        const grant = model.authorize(identity, { verb, apiGroup: '', resource: 'secrets', namespace }).grants[0];
        if (!grant) continue;
        verbs.push(verb);
        via ??= viaText({ ...grant, namespace: grant.binding.namespace ?? '' });
      }
      if (via === undefined) return undefined;
      return { bulk: verbs.includes('list') || verbs.includes('watch'), verbs, via };
    }),
});
