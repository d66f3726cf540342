import { defineCheck } from '../model/check.js';
import { allows, grantMessages, permissionsFor, permissionViolations, RBAC_REFERENCES, ROLE_KINDS } from './support/rbac.js';
import { GRANT_HOLDER_READS } from './support/rbac-model.js';

/** Every built-in kind whose objects make the cluster run pods from a template. */
const POD_CREATORS: readonly (readonly [group: string, resources: readonly string[]])[] = [
  ['', ['pods', 'replicationcontrollers']],
  ['apps', ['deployments', 'replicasets', 'statefulsets', 'daemonsets']],
  ['batch', ['jobs', 'cronjobs']],
];

export default defineCheck({
  id: 'rbac-create-pods',
  title: 'Role can create pods or workload controllers',
  severity: 'high',
  category: 'rbac',
  description:
    'Whoever can create a pod, directly or through a Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob or ReplicationController, can run it as any service account of the namespace and mount any secret or config map there, so holds their permissions; where Pod Security admission allows it, the pod can also reach the node.',
  remediation:
    'Grant create on pods and workload controllers only to deployment tooling and controllers that need it; enforce the restricted Pod Security Standard in namespaces where others can.',
  references: [`${RBAC_REFERENCES.goodPractices}#workload-creation`, RBAC_REFERENCES.rbac, RBAC_REFERENCES.cis],
  standards: { cis: ['5.1.4'], nsa: ['Authentication and authorization'], mitre: ['T1610'] },
  enabledByDefault: true,
  appliesTo: { kinds: ROLE_KINDS },
  reads: GRANT_HOLDER_READS,
  options: {
    verbs: {
      type: 'string[]',
      default: ['create'],
      description: 'Verbs that count as creating pods; add update and patch to also report edits of existing controllers, which replace their pod template.',
    },
  },
  messages: grantMessages({ allows: "rules[{{rule}}] allows {{grants}}: the pods can run as any service account of the namespace and mount its secrets" }),
  *evaluate({ resource, inventory, options }) {
    const permissions = POD_CREATORS.flatMap(([group, resources]) => permissionsFor(options.verbs, group, resources));
    yield* permissionViolations(
      { resource, inventory },
      permissions,
      (grants, located) => allows('allows', located, grants, false),
    );
  },
});
