import { defineCheck } from '../model/check.js';
import { findRemovedApi, parseMinorVersion, releasedBy, REMOVED_API_KINDS } from '../releases/removed-apis.js';

export default defineCheck({
  id: 'removed-api-version',
  title: 'API version removed from Kubernetes',
  severity: 'medium',
  category: 'add-ons',
  description:
    'The API server no longer serves this apiVersion for this kind: the manifest fails to apply, and a chart or add-on still written against it is unmaintained, missing the security fixes and defaults of the current API. Only APIs removed at or before the targetVersion option are reported.',
  remediation: 'Move the manifest to the replacement API version named in the finding (kubectl convert helps), checking the changed fields listed in the migration guide.',
  references: [
    'https://kubernetes.io/docs/reference/using-api/deprecation-guide/',
    'https://kubernetes.io/docs/reference/using-api/deprecation-policy/',
  ],
  standards: {
    nsa: ['Upgrading and application security practices'],
  },
  enabledByDefault: true,
  appliesTo: { kinds: REMOVED_API_KINDS },
  liveObjects: false,
  options: {
    targetVersion: {
      type: 'string',
      default: '1.32',
      description: 'The Kubernetes release to check against, as major.minor ("1.32"); APIs removed in later releases are not reported.',
    },
  },
  messages: {
    removed: '{{apiVersion}} {{kind}} was removed in Kubernetes {{removedIn}}: use {{replacement}}',
  },
  *evaluate({ resource, options }) {
    const target = parseMinorVersion(options.targetVersion);
    if (!target) throw new Error(`option targetVersion "${options.targetVersion}" is not a Kubernetes version such as 1.32`);
    const removed = findRemovedApi(resource.ref.apiVersion, resource.ref.kind);
    if (!removed) return;
    const removedIn = parseMinorVersion(removed.removedIn);
    if (!removedIn || !releasedBy(removedIn, target)) return;
    yield {
      path: ['apiVersion'],
      messageId: 'removed',
      data: { apiVersion: removed.apiVersion, kind: resource.ref.kind, removedIn: removed.removedIn, replacement: removed.replacement },
    };
  },
});
