import { defineCheck } from '../model/check.js';
import { asArray, asRecord, asString } from '../model/values.js';

export default defineCheck({
  id: 'ingress-wildcard-host',
  title: 'Ingress rule with a wildcard host',
  severity: 'low',
  category: 'network',
  description:
    'A wildcard host such as *.example.com routes every matching subdomain to the backend, including names nobody meant to publish; with a wildcard DNS record, any subdomain becomes an entry point and can shadow more specific hosts.',
  remediation: 'List the exact host names the application serves instead of a wildcard.',
  references: ['https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards'],
  standards: {},
  enabledByDefault: true,
  appliesTo: { kinds: ['Ingress'] },
  options: {},
  messages: {
    wildcard: 'rule {{index}} routes the wildcard host "{{host}}"',
  },
  *evaluate({ resource }) {
    for (const [index, item] of asArray(asRecord(resource.object.spec)?.rules).entries()) {
      const host = asString(asRecord(item)?.host);
      if (host === undefined || !host.startsWith('*')) continue;
      yield { path: ['spec', 'rules', index, 'host'], messageId: 'wildcard', data: { index, host } };
    }
  },
});
