import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asArray, asRecord, asString } from '../model/values.js';

/** Whether a TLS host entry covers a rule host: exact, or a `*.` wildcard covering exactly one more label. */
function covers(tlsHost: string, host: string): boolean {
  const pattern = tlsHost.toLowerCase();
  const name = host.toLowerCase();
  if (pattern === name) return true;
  if (!pattern.startsWith('*.') || name.startsWith('*.')) return false;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot) === pattern.slice(1);
}

export default defineCheck({
  id: 'ingress-without-tls',
  title: 'Ingress serves hosts without TLS',
  severity: 'medium',
  category: 'network',
  description:
    'An Ingress without a TLS entry for a host serves it over plain HTTP: credentials, cookies and tokens cross the network in clear text and can be read or altered on the way. A TLS entry without hosts covers every host (the controller\'s default certificate), and certificates attached by cloud annotations count.',
  remediation: 'Add spec.tls entries whose hosts cover every rule host, with a certificate Secret (for example from cert-manager).',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
  ],
  standards: {
    mitre: ['T1040'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['Ingress'] },
  options: {
    tlsAnnotations: {
      type: 'string[]',
      default: [
        'alb.ingress.kubernetes.io/certificate-arn',
        'appgw.ingress.kubernetes.io/appgw-ssl-certificate',
        'ingress.gcp.kubernetes.io/pre-shared-cert',
        'networking.gke.io/managed-certificates',
      ],
      description: 'Annotations through which a controller attaches a certificate outside spec.tls; an Ingress with any of them is not reported.',
    },
  },
  messages: {
    noTls: 'Ingress "{{name}}" has no TLS entry: it serves plain HTTP',
    hostWithoutTls: 'host "{{host}}" is in no TLS entry: it is served over plain HTTP',
  },
  *evaluate({ resource, options }) {
    const annotations = asRecord(metadataOf(resource.object).annotations) ?? {};
    if (options.tlsAnnotations.some((key) => annotations[key] !== undefined && annotations[key] !== null)) return;
    const spec = asRecord(resource.object.spec) ?? {};
    const tls = asArray(spec.tls).map(asRecord).filter((entry) => entry !== undefined);
    if (tls.length === 0) {
      yield { path: ['spec', 'tls'], messageId: 'noTls', data: { name: resource.ref.name } };
      return;
    }
    if (tls.some((entry) => asArray(entry.hosts).length === 0)) return;
    const tlsHosts = tls.flatMap((entry) => asArray(entry.hosts).map((host) => String(host)));
    for (const [index, item] of asArray(spec.rules).entries()) {
      const host = asString(asRecord(item)?.host);
      if (host === undefined || host === '') continue;
      if (tlsHosts.some((tlsHost) => covers(tlsHost, host))) continue;
      yield { path: ['spec', 'rules', index, 'host'], messageId: 'hostWithoutTls', data: { host } };
    }
  },
});
