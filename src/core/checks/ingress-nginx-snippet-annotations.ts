import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asRecord } from '../model/values.js';

export default defineCheck({
  id: 'ingress-nginx-snippet-annotations',
  title: 'Ingress injects raw NGINX configuration',
  severity: 'high',
  category: 'network',
  description:
    "Snippet annotations paste raw NGINX configuration into the controller, which runs with a service account that reads every Secret in the cluster: whoever can create an Ingress can read those secrets or run code in the controller (CVE-2021-25742); IngressNightmare (CVE-2025-1974 and its companion CVEs) turned the same kind of injected configuration into code execution.",
  remediation:
    'Remove the snippet annotation and use the dedicated annotations or a ConfigMap owned by the cluster operator; keep allow-snippet-annotations false in the controller configuration.',
  references: [
    'https://github.com/kubernetes/ingress-nginx/issues/7837',
    'https://github.com/kubernetes/kubernetes/issues/131009',
    'https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/',
  ],
  standards: {
    mitre: ['T1068', 'T1552.007'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: ['Ingress'] },
  options: {
    annotations: {
      type: 'string[]',
      default: [
        'nginx.ingress.kubernetes.io/auth-snippet',
        'nginx.ingress.kubernetes.io/configuration-snippet',
        'nginx.ingress.kubernetes.io/modsecurity-snippet',
        'nginx.ingress.kubernetes.io/server-snippet',
        'nginx.ingress.kubernetes.io/stream-snippet',
        'nginx.org/location-snippets',
        'nginx.org/server-snippets',
      ],
      description: 'Annotation keys that inject configuration; add your own keys when the controller runs with a custom --annotations-prefix.',
    },
  },
  messages: {
    snippet: 'annotation "{{key}}" injects raw NGINX configuration',
  },
  *evaluate({ resource, options }) {
    const annotations = asRecord(metadataOf(resource.object).annotations) ?? {};
    for (const key of Object.keys(annotations)) {
      if (!options.annotations.includes(key)) continue;
      // The value is configuration text and may embed credentials: name the key only.
      yield { path: ['metadata', 'annotations', key], messageId: 'snippet', data: { key } };
    }
  },
});
