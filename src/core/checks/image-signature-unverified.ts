import { defineCheck } from '../model/check.js';
import { containerImages } from '../kinds/images.js';

export default defineCheck({
  id: 'image-signature-unverified',
  title: 'Image signature not verified',
  severity: 'high',
  category: 'images',
  description:
    "A signature ties an image to whoever built it: without one verified against a trusted key or identity, anyone who can push to the repository (or tamper with a registry or a mirror) decides what runs. Runs when the configuration names who may sign (`signatures:` with public keys or keyless identities and a trusted root); each image's cosign signatures (the classic `.sig` tag) and Sigstore bundles (OCI referrers) are verified offline, and the signed payload must name the image's own digest. An image whose verification could not finish (registry unreachable, the webhook's deadline) is reported as not evaluated: at admission it is denied in enforce mode, as the webhook fails closed.",
  remediation: 'Sign the image digest you deploy (cosign sign --key KEY IMAGE@DIGEST, or keyless in CI) with a key or identity listed under signatures: in the Palisade configuration, and deploy that digest.',
  references: ['https://docs.sigstore.dev/cosign/verifying/verify/', 'https://kubernetes.io/docs/tasks/administer-cluster/verify-signed-artifacts/'],
  standards: { nsa: ['Pod security: building secure container images'], mitre: ['T1525', 'T1195.002'] },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  appliesWhen: { description: 'workloads with images, when image signatures are configured', test: ({ workload, inventory }) => inventory.signatures !== undefined && containerImages(workload).length > 0 },
  reads: { images: true, scope: 'namespace' },
  options: {},
  messages: {
    unsigned: 'container "{{container}}" runs image "{{image}}" ({{digest}}), which has no signature (neither a cosign .sig tag nor a Sigstore bundle referrer)',
    invalid: 'container "{{container}}" runs image "{{image}}" ({{digest}}), whose signatures do not verify: {{reason}}',
    notEvaluated: 'container "{{container}}" runs image "{{image}}", whose signature could not be verified (not evaluated): {{reason}}',
  },
  *evaluate({ workload, inventory }) {
    const results = inventory.signatures;
    if (!results) return;
    for (const { container, image, path } of containerImages(workload)) {
      const verdict = results.lookup(image);
      if (verdict?.status === 'verified') continue;
      const data = { container: container.name, image, digest: verdict?.digest ?? 'digest unknown', reason: verdict?.reason ?? 'no verdict reached in time' };
      const messageId = verdict === undefined || verdict.status === 'error' ? 'notEvaluated' : verdict.status === 'unsigned' ? 'unsigned' : 'invalid';
      yield { path, container: container.name, messageId, data };
    }
  },
});
