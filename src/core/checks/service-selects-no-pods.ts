import { defineCheck } from '../model/check.js';
import { matchesMapSelector } from '../model/selectors.js';
import { asRecord, asStringRecord } from '../model/values.js';
import { mayHoldOperatorPods, podLabelsIn } from './support/network.js';
import { serviceType } from '../network/exposure.js';
import { operatorPodsByNamespace, podLabelsByNamespace } from '../network/analyses.js';

export default defineCheck({
  id: 'service-selects-no-pods',
  title: 'Service selector matches no pod',
  severity: 'low',
  category: 'network',
  description:
    'A Service whose selector matches no pod template has no endpoints: clients get connection errors, and the selector usually hides a typo that a later, unrelated pod with matching labels would silently satisfy, receiving traffic meant for someone else. Reported only when the scanned objects hold workloads in the Service\'s namespace and no custom resources there (an operator may create the pods); Services without a selector (manual endpoints) are skipped.',
  remediation: 'Make spec.selector a subset of the pod template labels of the workload the Service fronts.',
  references: ['https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service'],
  standards: {},
  enabledByDefault: true,
  appliesTo: { kinds: ['Service'] },
  reads: { analyses: [podLabelsByNamespace, operatorPodsByNamespace], scope: 'namespace' },
  options: {},
  messages: {
    noPods: 'selector {{selector}} matches no pod template in namespace "{{namespace}}"',
  },
  *evaluate({ resource, inventory }) {
    if (serviceType(resource) === 'ExternalName') return;
    const selector = asStringRecord(asRecord(resource.object.spec)?.selector);
    if (Object.keys(selector).length === 0) return;
    const pods = podLabelsIn(inventory, resource.ref.namespace);
    if (pods.length === 0 || mayHoldOperatorPods(inventory, resource.ref.namespace)) return;
    if (pods.some((labels) => matchesMapSelector(selector, labels))) return;
    const text = Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(',');
    yield { path: ['spec', 'selector'], messageId: 'noPods', data: { selector: text, namespace: String(resource.ref.namespace) } };
  },
});
