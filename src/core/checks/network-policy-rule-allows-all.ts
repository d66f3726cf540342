import { defineCheck } from '../model/check.js';
import { asArray, asRecord } from '../model/values.js';
import { isEmptySelector, NAMESPACE_NAME_LABEL } from '../network/model.js';
import { parsedPolicyOf } from './support/network.js';

/** A namespace selector every namespace satisfies: `{}`, or an Exists on the name label the API server sets on all. */
function selectsEveryNamespace(selector: Record<string, unknown>): boolean {
  if (isEmptySelector(selector)) return true;
  if (Object.keys(asRecord(selector.matchLabels) ?? {}).length > 0) return false;
  return asArray(selector.matchExpressions).every((item) => {
    const expression = asRecord(item);
    return expression?.key === NAMESPACE_NAME_LABEL && expression.operator === 'Exists';
  });
}

export default defineCheck({
  id: 'network-policy-rule-allows-all',
  title: 'NetworkPolicy rule allows everything while looking narrow',
  severity: 'medium',
  category: 'network',
  description:
    'A rule that lists peers or ports looks restrictive, yet some entries match everything: `namespaceSelector: {}` (alone or with an empty podSelector) is every pod of every namespace, an Exists on kubernetes.io/metadata.name is every namespace, an ipBlock of 0.0.0.0/0 or ::/0 without except is every address, and a port range from 1 to 65535 is every port. Reviewers read such rules as narrow; attackers do not.',
  remediation: 'Replace the catch-all entry with selectors for the namespaces and pods, the CIDRs and the ports that actually need the access, or write `- {}` (an explicit allow-all) if everything is intended.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors',
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports',
  ],
  standards: {
    nsa: ['Network separation: network policies'],
    mitre: ['T1046'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['NetworkPolicy'] },
  options: {},
  messages: {
    everyAddress: '{{direction}} rule {{rule}}: ipBlock {{cidr}} is every address',
    everyNamespace: '{{direction}} rule {{rule}}: this {{field}} entry selects every pod of every namespace',
    everyPort: '{{direction}} rule {{rule}}: ports {{start}}-{{end}} is every {{protocol}} port',
  },
  *evaluate({ resource }) {
    const policy = parsedPolicyOf(resource);
    if (!policy) return;
    for (const rule of [...policy.ingress, ...policy.egress]) {
      const field = rule.direction === 'Ingress' ? 'from' : 'to';
      const where = { direction: rule.direction.toLowerCase(), rule: rule.index };
      for (const peer of rule.peers ?? []) {
        const path = [...rule.path, field, peer.index];
        if (peer.type === 'ipBlock') {
          if (/\/0$/.test(peer.cidr.trim()) && peer.except.length === 0) yield { path: [...path, 'ipBlock', 'cidr'], messageId: 'everyAddress', data: { ...where, cidr: peer.cidr } };
        } else if (peer.namespaceSelector && selectsEveryNamespace(peer.namespaceSelector) && isEmptySelector(peer.podSelector)) {
          yield { path: [...path, 'namespaceSelector'], messageId: 'everyNamespace', data: { ...where, field } };
        }
      }
      for (const port of rule.ports ?? []) {
        // A port entry without a number is how "every port of this protocol" is written on purpose.
        if ('start' in port && !port.omitted && port.start <= 1 && port.end >= 65535) yield { path: [...rule.path, 'ports', port.index], messageId: 'everyPort', data: { ...where, start: port.start, end: port.end, protocol: port.protocol } };
      }
    }
  },
});
