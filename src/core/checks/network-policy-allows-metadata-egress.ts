import { defineCheck } from '../model/check.js';
import { intersectAddresses, isEmptyAddresses, METADATA_ADDRESSES } from '../network/addresses.js';
import { rulePortsToward } from '../network/model.js';
import { hasPort } from '../network/ports.js';
import { parsedPolicyOf } from './support/network.js';

export default defineCheck({
  id: 'network-policy-allows-metadata-egress',
  title: 'NetworkPolicy allows egress to the cloud metadata API',
  severity: 'high',
  category: 'network',
  description:
    'The instance metadata endpoint (169.254.169.254, fd00:ec2::254 on AWS) hands out the node\'s cloud credentials to any process that can reach it over HTTP. An egress rule whose peers include it (no `to` at all, or an ipBlock such as 0.0.0.0/0 without an except for it) and whose ports include TCP 80 lets the selected pods steal those credentials (the Capital One breach path).',
  remediation: 'Add `except: [169.254.169.254/32]` to the ipBlock (and fd00:ec2::254/128 for IPv6 blocks), or list the destinations the pods need instead of allowing every address; block the endpoint at the node as well (IMDSv2 with a hop limit of 1, GKE Workload Identity).',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html',
    'https://attack.mitre.org/techniques/T1552/005/',
  ],
  standards: {
    nsa: ['Network separation: network policies'],
    mitre: ['T1552.007'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['NetworkPolicy'] },
  options: {},
  messages: {
    noTo: 'egress rule {{rule}} has no `to`: it allows every address, the metadata API 169.254.169.254 included',
    ipBlock: 'egress rule {{rule}}: ipBlock {{cidr}} includes the metadata API (169.254.169.254 or fd00:ec2::254) with no except for it',
  },
  *evaluate({ resource }) {
    const policy = parsedPolicyOf(resource);
    if (!policy) return;
    for (const rule of policy.egress) {
      if (!hasPort(rulePortsToward(rule, undefined), 80, 'TCP')) continue;
      if (!rule.peers) {
        yield { path: rule.path, messageId: 'noTo', data: { rule: rule.index } };
        continue;
      }
      for (const peer of rule.peers) {
        if (peer.type !== 'ipBlock' || isEmptyAddresses(intersectAddresses(peer.addresses, METADATA_ADDRESSES))) continue;
        yield { path: [...rule.path, 'to', peer.index, 'ipBlock'], messageId: 'ipBlock', data: { rule: rule.index, cidr: peer.cidr } };
      }
    }
  },
});
