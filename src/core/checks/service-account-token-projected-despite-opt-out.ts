import { defineCheck } from '../model/check.js';
import { asArray, asRecord, asString } from '../model/values.js';
import { podServiceAccount } from '../kinds/service-accounts.js';
import { tokenAutomount } from './support/service-accounts.js';

export default defineCheck({
  id: 'service-account-token-projected-despite-opt-out',
  title: 'API token projected into a pod that opts out of token automounting',
  severity: 'low',
  category: 'service-accounts',
  description:
    "automountServiceAccountToken: false on the pod or its ServiceAccount says the pod gets no API token, and reviews, audits and service-account-token-automount take it at its word; a projected volume with a serviceAccountToken source without an audience (or with one the API server accepts) puts the same kind of token back, valid against the API server with the service account's permissions. Reported when the token reaches every container of the pod, as automounting would; a token mounted only into some containers (the sidecar that calls the API) is a deliberate narrowing, reported with the reportSomeContainers option. Tokens for another audience (Vault, a cloud provider's STS) are not API tokens and are not reported.",
  remediation:
    'Give the projected token the audience of the service that consumes it (not the API server), mount it only into the container that needs it, or drop automountServiceAccountToken: false so that the token the pod receives is visible where it is declared.',
  references: [
    'https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken',
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
  ],
  standards: { nsa: ['Pod security: protecting pod service account tokens'], mitre: ['T1528'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['ServiceAccount'], scope: 'namespace' },
  options: {
    apiServerAudiences: {
      type: 'string[]',
      default: ['https://kubernetes.default.svc.cluster.local', 'https://kubernetes.default.svc', 'kubernetes.default.svc'],
      description: "Audiences the cluster's API server accepts (its --api-audiences, by default its --service-account-issuer); a projected token without an audience always gets the API server's.",
    },
    reportSomeContainers: {
      type: 'boolean',
      default: false,
      description: 'Also report a token mounted only into some of the containers of the pod.',
    },
  },
  messages: {
    pod: 'the pod sets automountServiceAccountToken: false, but projected volume "{{volume}}" mounts an API token of service account "{{account}}" ({{audience}}) into {{containers}}',
    serviceAccount: 'ServiceAccount "{{account}}" sets automountServiceAccountToken: false, but projected volume "{{volume}}" mounts its API token ({{audience}}) into {{containers}}',
  },
  *evaluate({ workload, resource, inventory, options }) {
    if (!workload || workload.containers.length === 0) return;
    const decision = tokenAutomount(workload, resource, inventory);
    if (decision.mounted) return;
    const account = podServiceAccount(workload).name;
    const regular = workload.containers.filter((container) => container.type === 'container');
    for (const [index, item] of asArray(workload.podSpec.volumes).entries()) {
      const volume = asRecord(item);
      const name = asString(volume?.name);
      if (name === undefined) continue;
      for (const [sourceIndex, source] of asArray(asRecord(volume?.projected)?.sources).entries()) {
        const token = asRecord(asRecord(source)?.serviceAccountToken);
        if (!token) continue;
        const audience = asString(token.audience) ?? '';
        if (audience !== '' && !options.apiServerAudiences.includes(audience)) continue;
        const mounting = workload.containers.filter((container) => asArray(container.container.volumeMounts).some((mount) => asRecord(mount)?.name === name));
        if (mounting.length === 0) continue;
        const everywhere = regular.every((container) => mounting.includes(container));
        if (!everywhere && !options.reportSomeContainers) continue;
        const containers = everywhere && mounting.length > 1 ? `every container (${mounting.map((c) => `"${c.name}"`).join(', ')})` : mounting.map((c) => `container "${c.name}"`).join(', ');
        yield {
          path: [...workload.podSpecPath, 'volumes', index, 'projected', 'sources', sourceIndex, 'serviceAccountToken'],
          messageId: decision.decidedBy === 'pod' ? 'pod' : 'serviceAccount',
          data: { volume: name, account, audience: audience === '' ? 'no audience: the API server\'s' : `audience "${audience}"`, containers },
          ...(mounting.length === 1 ? { container: mounting[0]!.name } : {}),
        };
      }
    }
  },
});
