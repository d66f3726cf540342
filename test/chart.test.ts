import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadAll } from 'js-yaml';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { kindInfo } from '../src/core/kinds/catalog.js';
import { WORKLOAD_KINDS } from '../src/core/kinds/pod-spec.js';
import { kindsToRead } from '../src/core/inventory/reads.js';
import { matchesLabelSelector } from '../src/core/model/selectors.js';
import { admissionManifests, CHART, generatedFields, helmTemplate, NAMESPACE, RELEASE } from '../scripts/admission-manifests.js';
import { palisade } from './support/cli.js';
import { startCluster, type TestCluster } from './support/cluster.js';
import { repoPath, REPO_ROOT } from './support/paths.js';
import { requireProgram, TEST_PATH } from './support/programs.js';

/**
 * deploy/chart, the Helm chart of the admission webhook, and deploy/admission.yaml rendered
 * from it: kept in step, linted, minimal RBAC, a webhook configuration that fails closed only
 * where it must, nothing above low when Palisade scans it, and accepted by a real API server.
 */

/**
 * The deadline within which `palisade admission serve` answers every review (deny in enforce
 * mode), as the chart passes it (`--deadline-ms`). The API server's timeoutSeconds must stay
 * well above it, so that a slow review gets the webhook's own answer, never the failure policy.
 */
function serveDeadlineMs(objects: KubeObject[]): number {
  const deployment = objects.find((object) => object.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } };
  const arg = deployment.spec.template.spec.containers[0]!.args.find((item) => item.startsWith('--deadline-ms='));
  assert.ok(arg, 'the chart passes --deadline-ms');
  return Number(arg.slice('--deadline-ms='.length));
}

const MODE_LABEL = 'admission.palisade.dev/mode';

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}
interface Rule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  scope?: string;
}
interface Webhook {
  name: string;
  failurePolicy: string;
  timeoutSeconds: number;
  sideEffects: string;
  admissionReviewVersions: string[];
  namespaceSelector: { matchExpressions: Array<{ key: string; operator: string; values?: string[] }> };
  matchConditions: Array<{ name: string; expression: string }>;
  clientConfig: { service: { name: string; namespace: string; path: string; port: number }; caBundle?: string };
  rules: Rule[];
}

const helm = requireProgram('helm');

function objects(text: string): KubeObject[] {
  return loadAll(text).filter((document): document is KubeObject => document !== null && typeof document === 'object');
}
function render(...set: string[]): KubeObject[] {
  return objects(helmTemplate(helm, REPO_ROOT, set.flatMap((assignment) => ['--set', assignment])));
}
function only(list: KubeObject[], kind: string, name?: string): KubeObject {
  const found = list.filter((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
  assert.equal(found.length, 1, `one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}
function webhooks(list: KubeObject[]): Webhook[] {
  return only(list, 'ValidatingWebhookConfiguration').webhooks as Webhook[];
}
/** group/resource:operation for every rule of a webhook. */
function covered(webhook: Webhook): Set<string> {
  const out = new Set<string>();
  for (const rule of webhook.rules) for (const group of rule.apiGroups) for (const resource of rule.resources) for (const operation of rule.operations) out.add(`${group}/${resource}:${operation}`);
  return out;
}
function helmRun(args: string[], env: Record<string, string> = {}): { code: number | null; output: string } {
  const result = spawnSync(helm, args, { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('deploy/chart (the admission webhook chart)', () => {
  const checkedIn = readFileSync(repoPath('deploy/admission.yaml'), 'utf8');
  const manifests = objects(checkedIn);

  it('deploy/admission.yaml is the chart rendered with default values (npm run admission-manifests)', () => {
    assert.equal(checkedIn, admissionManifests(helm, REPO_ROOT), 'deploy/admission.yaml is out of step with deploy/chart: run npm run admission-manifests');
    // Every generated certificate and key of a render is a placeholder there, and only those.
    const fresh = helmTemplate(helm, REPO_ROOT);
    assert.deepEqual(generatedFields(fresh).sort(), ['ca.crt', 'caBundle', 'caBundle', 'tls.crt', 'tls.crt', 'tls.key', 'tls.key']);
    assert.deepEqual(generatedFields(checkedIn), []);
    assert.doesNotMatch(checkedIn, /PRIVATE KEY|LS0tLS1CRUdJTi/);
  });

  it('passes helm lint, --strict included, with either certificate option', () => {
    for (const args of [[], ['--strict'], ['--strict', '--set', 'certManager.enabled=true'], ['--strict', '--set', 'config.admission.mode=enforce']]) {
      const result = helmRun(['lint', CHART, ...args]);
      assert.equal(result.code, 0, `helm lint ${args.join(' ')}:\n${result.output}`);
      assert.match(result.output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  it('refuses a default mode other than enforce, warn or audit', () => {
    // values.schema.json says so, and the template too when the schema is skipped.
    const result = helmRun(['template', RELEASE, CHART, '-n', NAMESPACE, '--set', 'config.admission.mode=deny']);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /config\.admission\.mode must be one of the following: "enforce", "warn", "audit"/);
    const unchecked = helmRun(['template', RELEASE, CHART, '-n', NAMESPACE, '--skip-schema-validation', '--set', 'config.admission.mode=deny']);
    assert.notEqual(unchecked.code, 0);
    assert.match(unchecked.output, /config\.admission\.mode must be enforce, warn or audit, not "deny"/);
  });

  it('grants list and watch on exactly the kinds the checks read, bound to the webhook\'s service account', () => {
    const role = only(manifests, 'ClusterRole');
    const granted = new Set<string>();
    for (const rule of role.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[]; nonResourceURLs?: string[] }>) {
      assert.equal(rule.resourceNames, undefined);
      assert.equal(rule.nonResourceURLs, undefined);
      for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) granted.add(`${group}/${resource}:${verb}`);
    }
    const expected = kindsToRead(ALL_CHECKS).flatMap((kind) => ['list', 'watch'].map((verb) => `${kind.group}/${kind.plural}:${verb}`));
    assert.deepEqual([...granted].sort(), expected.sort());
    assert.ok(granted.has('/secrets:watch'), 'Secrets are read (as metadata)');

    const binding = only(manifests, 'ClusterRoleBinding');
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    const pod = (only(manifests, 'Deployment').spec as { template: { spec: Record<string, unknown> } }).template.spec;
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: NAMESPACE }]);
    // No other role or binding.
    assert.deepEqual(manifests.filter((object) => /Role/.test(object.kind)).map((object) => object.kind).sort(), ['ClusterRole', 'ClusterRoleBinding']);
  });

  it('runs a hardened pod: two replicas, spread, non-root, read-only, no capabilities, one projected token, probes over HTTPS', () => {
    const deployment = only(manifests, 'Deployment');
    const spec = deployment.spec as { replicas: number; template: { spec: Record<string, any> } };
    assert.equal(spec.replicas, 2);
    const pod = spec.template.spec;
    assert.equal(pod.automountServiceAccountToken, false);
    assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.topologySpreadConstraints.length > 0 && pod.affinity.podAntiAffinity);
    assert.equal(pod.containers.length, 1);
    const container = pod.containers[0];
    assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.ok(container.resources.requests && container.resources.limits);
    assert.deepEqual([container.livenessProbe.httpGet.path, container.livenessProbe.httpGet.scheme], ['/healthz', 'HTTPS']);
    assert.deepEqual([container.readinessProbe.httpGet.path, container.readinessProbe.httpGet.scheme], ['/readyz', 'HTTPS']);
    for (const flag of ['--secure-port=8443', '--tls-cert-file=/etc/palisade/tls/tls.crt', '--tls-private-key-file=/etc/palisade/tls/tls.key', '--config=/etc/palisade/config/config.yaml']) assert.ok(container.args.includes(flag), flag);
    assert.ok(container.volumeMounts.every((mount: { readOnly?: boolean; name: string }) => mount.readOnly === true || mount.name === 'tmp'));
    // The API token: one projected, expiring token, where the in-cluster client reads it.
    const tokens = pod.volumes.filter((volume: any) => volume.projected?.sources.some((source: any) => source.serviceAccountToken));
    assert.equal(tokens.length, 1);
    assert.ok(container.volumeMounts.some((mount: any) => mount.name === tokens[0].name && mount.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount'));
    const serviceAccount = only(manifests, 'ServiceAccount');
    assert.equal(serviceAccount.automountServiceAccountToken, false);
    assert.equal(pod.serviceAccountName, serviceAccount.metadata.name);
    // The certificate and the configuration.
    const tls = pod.volumes.find((volume: any) => volume.name === 'tls');
    assert.equal(tls.secret.secretName, `${RELEASE}-admission-tls`);
    assert.ok(only(manifests, 'Secret', `${RELEASE}-admission-tls`));
    const config = pod.volumes.find((volume: any) => volume.name === 'config');
    assert.deepEqual(loadAll((only(manifests, 'ConfigMap', config.configMap.name).data as Record<string, string>)['config.yaml']!), [{ admission: { mode: 'warn' } }]);

    const pdb = only(manifests, 'PodDisruptionBudget').spec as { minAvailable: number; selector: unknown };
    assert.equal(pdb.minAvailable, 1);
    const service = only(manifests, 'Service').spec as { ports: Array<{ port: number; targetPort: string }> };
    assert.deepEqual(service.ports.map((port) => [port.port, port.targetPort]), [[443, 'https']]);
    assert.deepEqual(container.ports.map((port: { name: string; containerPort: number }) => [port.name, port.containerPort]), [['https', 8443]]);
    // One replica: no PodDisruptionBudget (it would block every drain).
    assert.ok(!render('replicas=1').some((object) => object.kind === 'PodDisruptionBudget'));
  });

  it('reviews every kind the issue lists, fails closed only for enforced namespaces, never for kube-system or its own', () => {
    const [enforce, relaxed] = webhooks(manifests);
    assert.equal(enforce?.failurePolicy, 'Fail');
    assert.equal(relaxed?.failurePolicy, 'Ignore');
    const reviewed = ['Service', 'Ingress', 'NetworkPolicy', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'Namespace', ...WORKLOAD_KINDS].map((kind) => {
      const info = kindInfo(kind);
      assert.ok(info, kind);
      return info;
    });
    const both = [covered(enforce!), covered(relaxed!)];
    for (const info of reviewed) {
      for (const operation of ['CREATE', 'UPDATE']) {
        const key = `${info.group}/${info.plural}:${operation}`;
        const count = both.filter((set) => set.has(key)).length;
        // Namespaced kinds (and Namespaces, selected by their own labels) go to both webhooks,
        // one of which matches a given namespace; other cluster-wide kinds to exactly one.
        assert.equal(count, info.namespaced || info.kind === 'Namespace' ? 2 : 1, `${key} in ${count} webhook(s)`);
      }
    }
    for (const set of both) for (const resource of ['pods/exec', 'pods/attach', 'pods/portforward']) assert.ok(set.has(`/${resource}:CONNECT`), resource);
    const deadline = serveDeadlineMs(manifests);
    assert.ok(deadline > 0);
    for (const webhook of [enforce!, relaxed!]) {
      assert.ok(webhook.timeoutSeconds * 1000 >= 2 * deadline, `timeoutSeconds ${webhook.timeoutSeconds} is well above the serve deadline of ${deadline} ms`);
      assert.ok(webhook.timeoutSeconds <= 30);
      assert.equal(webhook.sideEffects, 'NoneOnDryRun');
      assert.deepEqual(webhook.admissionReviewVersions, ['v1']);
      assert.deepEqual(webhook.clientConfig.service, { name: `${RELEASE}-admission`, namespace: NAMESPACE, path: '/validate', port: 443 });
      const names = webhook.namespaceSelector.matchExpressions.find((expression) => expression.key === 'kubernetes.io/metadata.name');
      assert.equal(names?.operator, 'NotIn');
      assert.deepEqual(names?.values, ['kube-system', NAMESPACE]);
      assert.ok(webhook.matchConditions.some((condition) => condition.expression.includes(`"system:serviceaccount:${NAMESPACE}:${RELEASE}-admission"`)), 'requests of its own service account are skipped');
      assert.ok(webhook.matchConditions.some((condition) => condition.expression.includes('"system:apiserver"')), "the API server's own requests are skipped");
      // Nothing else than what the issue lists: no leases, events, or status subresources.
      for (const key of covered(webhook)) assert.doesNotMatch(key, /leases|events|\/status/);
    }
    // Extra exclusions add to kube-system and the release namespace, never replace them.
    const extra = webhooks(render('webhook.excludeNamespaces={ops}'))[0]!.namespaceSelector.matchExpressions[0]!;
    assert.deepEqual(extra.values, ['kube-system', NAMESPACE, 'ops']);
  });

  it('sends each namespace to exactly one webhook, the fail-closed one exactly when its mode is enforce', () => {
    for (const defaultMode of ['enforce', 'warn', 'audit']) {
      const [enforce, relaxed] = webhooks(render(`config.admission.mode=${defaultMode}`));
      const clusterWide = (webhook: Webhook) => covered(webhook).has('rbac.authorization.k8s.io/clusterroles:CREATE');
      assert.equal(clusterWide(enforce!), defaultMode === 'enforce', `ClusterRoles take the default mode (${defaultMode})`);
      assert.equal(clusterWide(relaxed!), defaultMode !== 'enforce');
      for (const label of [undefined, 'enforce', 'warn', 'audit']) {
        for (const name of ['shop', 'kube-system', NAMESPACE]) {
          const labels: Record<string, string> = { 'kubernetes.io/metadata.name': name, ...(label ? { [MODE_LABEL]: label } : {}) };
          const matched = [enforce!, relaxed!].filter((webhook) => matchesLabelSelector(webhook.namespaceSelector, labels)).map((webhook) => webhook.failurePolicy);
          const mode = label ?? defaultMode;
          const expected = name !== 'shop' ? [] : [mode === 'enforce' ? 'Fail' : 'Ignore'];
          assert.deepEqual(matched, expected, `default ${defaultMode}, namespace ${name} labelled ${label ?? '(none)'}`);
        }
      }
    }
  });

  it('self-signed bootstrap: the caBundle is the CA that signed the serving certificate, for the Service\'s DNS names', () => {
    const rendered = render();
    const tls = only(rendered, 'Secret', `${RELEASE}-admission-tls`).data as Record<string, string>;
    const ca = only(rendered, 'Secret', `${RELEASE}-admission-ca`).data as Record<string, string>;
    const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');
    const caCert = new X509Certificate(decode(ca['tls.crt']!));
    const serving = new X509Certificate(decode(tls['tls.crt']!));
    assert.equal(caCert.ca, true);
    assert.ok(serving.verify(caCert.publicKey), 'the serving certificate is signed by the CA');
    assert.equal(serving.checkHost(`${RELEASE}-admission.${NAMESPACE}.svc`), `${RELEASE}-admission.${NAMESPACE}.svc`);
    assert.equal(decode(tls['ca.crt']!), decode(ca['tls.crt']!));
    for (const webhook of webhooks(rendered)) assert.equal(decode(webhook.clientConfig.caBundle!), decode(ca['tls.crt']!));
  });

  it('cert-manager option: a CA issuer and a Certificate for the Secret the pod mounts, injected into the caBundle', () => {
    const rendered = render('certManager.enabled=true');
    assert.ok(!rendered.some((object) => object.kind === 'Secret'), 'no generated Secret');
    const certificate = only(rendered, 'Certificate', `${RELEASE}-admission-tls`);
    const spec = certificate.spec as { secretName: string; dnsNames: string[]; issuerRef: { kind: string; name: string } };
    assert.equal(spec.secretName, `${RELEASE}-admission-tls`);
    assert.ok(spec.dnsNames.includes(`${RELEASE}-admission.${NAMESPACE}.svc`));
    assert.equal(only(rendered, 'Issuer', spec.issuerRef.name).kind, spec.issuerRef.kind);
    const configuration = only(rendered, 'ValidatingWebhookConfiguration');
    assert.equal(configuration.metadata.annotations?.['cert-manager.io/inject-ca-from'], `${NAMESPACE}/${certificate.metadata.name}`);
    for (const webhook of webhooks(rendered)) assert.equal(webhook.clientConfig.caBundle, undefined);
    // An existing issuer replaces the chart's own.
    const external = render('certManager.enabled=true', 'certManager.issuerRef.kind=ClusterIssuer', 'certManager.issuerRef.name=corp-ca');
    assert.ok(!external.some((object) => object.kind === 'Issuer'));
    assert.deepEqual((only(external, 'Certificate').spec as { issuerRef: unknown }).issuerRef, { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'corp-ca' });
  });

  it('image store option: a claim mounted read-only in every replica; the scan queue and the decision records write to emptyDirs of their own', () => {
    const deploymentOf = (list: KubeObject[]) => (only(list, 'Deployment').spec as { replicas: number; template: { spec: Record<string, any> } }).template.spec;
    const plain = deploymentOf(manifests).containers[0];
    assert.ok(!plain.args.some((arg: string) => /^--(image-store|resolve-tags|scan-queue|decision-store)/.test(arg)), 'off by default');
    const pod = deploymentOf(render('imageStore.existingClaim=palisade-images', 'imageStore.resolveTags=true', 'imageStore.scanQueue.enabled=true', 'imageStore.registryCredentialsSecret=regcred', 'decisionStore.enabled=true'));
    const container = pod.containers[0];
    for (const flag of ['--image-store=/var/lib/palisade/images/images.db', '--resolve-tags', '--tag-cache-seconds=60', '--scan-queue', '--scan-store=/var/lib/palisade/scans/images.db', '--db=/var/lib/palisade/images/vuln.db', '--scan-concurrency=1', '--docker-config=/etc/palisade/registry/config.json', '--decision-store=/var/lib/palisade/decisions/decisions.db', '--decision-max-records=200000', '--decision-retention-days=7']) {
      assert.ok(container.args.includes(flag), flag);
    }
    const mounts = new Map(container.volumeMounts.map((mount: { name: string; mountPath: string; readOnly?: boolean }) => [mount.name, mount]));
    const volumes = new Map(pod.volumes.map((volume: { name: string }) => [volume.name, volume]));
    assert.deepEqual(mounts.get('image-store'), { name: 'image-store', mountPath: '/var/lib/palisade/images', readOnly: true });
    assert.deepEqual(volumes.get('image-store'), { name: 'image-store', persistentVolumeClaim: { claimName: 'palisade-images', readOnly: true } });
    assert.deepEqual((volumes.get('registry-credentials') as any).secret.items, [{ key: '.dockerconfigjson', path: 'config.json' }]);
    // The only writable mounts: /tmp, the replica's own scan store and its decision records.
    assert.deepEqual(container.volumeMounts.filter((mount: { readOnly?: boolean }) => mount.readOnly !== true).map((mount: { name: string }) => mount.name).sort(), ['decisions', 'scans', 'tmp']);
    assert.ok((volumes.get('scans') as any).emptyDir && (volumes.get('decisions') as any).emptyDir);
    // Without a claim, the image options pass nothing (no store, no image gates).
    assert.ok(!deploymentOf(render('imageStore.resolveTags=true')).containers[0].args.some((arg: string) => arg.startsWith('--resolve-tags')));
    assert.equal(spawnSync(helm, ['template', RELEASE, CHART, '--set', 'imageStore.scanQueue.concurrency=3'], { cwd: REPO_ROOT, encoding: 'utf8' }).status, 1, 'the schema bounds the concurrency');
  });

  it('watch component: off by default; enabled, two replicas electing through a Lease they alone may update, the store from a Secret, nothing above low', () => {
    assert.ok(!render().some((object) => object.metadata.name.endsWith('-watch')), 'off by default');
    assert.notEqual(helmRun(['template', RELEASE, CHART, '--set', 'watch.enabled=true']).code, 0, 'refused without watch.store.existingSecret');
    const list = render('watch.enabled=true', 'watch.store.existingSecret=palisade-pg');
    const deployment = only(list, 'Deployment', 'palisade-watch') as any;
    const webhookDeployment = only(list, 'Deployment', 'palisade-admission') as any;
    assert.equal(deployment.spec.replicas, 2);
    // Its pods are not the webhook's: the Service and the PodDisruptionBudget select only the webhook.
    assert.equal(deployment.spec.selector.matchLabels['app.kubernetes.io/component'], 'watch');
    assert.ok(!matchesLabelSelector(webhookDeployment.spec.selector, deployment.spec.template.metadata.labels));
    const container = deployment.spec.template.spec.containers[0];
    for (const arg of ['watch', '--alert', '--leader-elect', '--leader-elect-resource-name=palisade-watch', '--leader-elect-lease-duration=15s', '--config=/etc/palisade/config/config.yaml']) assert.ok(container.args.includes(arg), `${arg} in ${container.args.join(' ')}`);
    const env = new Map(container.env.map((item: any) => [item.name, item.valueFrom]));
    for (const name of ['PALISADE_FINDING_STORE', 'PALISADE_ALERT_STORE']) assert.deepEqual(env.get(name), { secretKeyRef: { name: 'palisade-pg', key: 'url' } });
    assert.deepEqual(env.get('POD_NAMESPACE'), { fieldRef: { fieldPath: 'metadata.namespace' } });
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true);
    // Metrics and probes on their own port; the NetworkPolicy lets nobody scrape until metricsFrom says who.
    assert.ok(container.args.includes('--metrics-bind-address=:8080'), container.args.join(' '));
    assert.deepEqual(container.ports, [{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }]);
    assert.deepEqual([container.livenessProbe.httpGet, container.readinessProbe.httpGet], [{ path: '/healthz', port: 'metrics' }, { path: '/readyz', port: 'metrics' }]);
    assert.deepEqual((only(list, 'NetworkPolicy', 'palisade-watch') as any).spec.ingress, []);
    const scraped = render('watch.enabled=true', 'watch.store.existingSecret=palisade-pg', 'watch.metricsFrom[0].namespaceSelector.matchLabels.name=monitoring');
    assert.deepEqual((only(scraped, 'NetworkPolicy', 'palisade-watch') as any).spec.ingress, [{ from: [{ namespaceSelector: { matchLabels: { name: 'monitoring' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    const quiet = only(render('watch.enabled=true', 'watch.store.existingSecret=palisade-pg', 'watch.metricsPort=0'), 'Deployment', 'palisade-watch') as any;
    assert.ok(!quiet.spec.template.spec.containers[0].args.some((arg: string) => arg.startsWith('--metrics-bind-address')));
    assert.equal(quiet.spec.template.spec.containers[0].livenessProbe, undefined);
    // The Lease: get and update on its own name only, create (not restricted by name), in the release namespace.
    const role = only(list, 'Role', 'palisade-watch-lease') as any;
    assert.equal(role.metadata.namespace, NAMESPACE);
    assert.deepEqual(role.rules, [
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['palisade-watch'], verbs: ['get', 'update'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    ]);
    assert.equal((only(list, 'RoleBinding', 'palisade-watch-lease') as any).subjects[0].name, 'palisade-watch');
    const binding = only(list, 'ClusterRoleBinding', 'palisade-watch') as any;
    assert.deepEqual([binding.roleRef.name, binding.subjects[0].name], ['palisade-admission', 'palisade-watch']);
    // Scanned as a user would scan it: nothing above low.
    const dir = mkdtempSync(path.join(tmpdir(), 'palisade-watch-chart-'));
    writeFileSync(path.join(dir, 'watch.yaml'), helmTemplate(helm, REPO_ROOT, ['--set', 'watch.enabled=true', '--set', 'watch.store.existingSecret=palisade-pg']));
    const result = palisade(['scan', '-o', 'json', '--fail-on', 'medium', dir], { env: { PATH: TEST_PATH } });
    assert.equal(result.code, 0, result.stdout.slice(0, 3000) + result.stderr);
    const names = new Set((JSON.parse(result.stdout) as { findings: Array<{ object: { name: string } }> }).findings.map((finding) => finding.object.name));
    assert.ok(names.has('palisade-watch'), [...names].join(', '));
  });

  it('palisade scan deploy/ renders the chart, reads the plain manifests and reports nothing above low', () => {
    const result = palisade(['scan', '-o', 'json', '--fail-on', 'medium', 'deploy/'], { env: { PATH: TEST_PATH } });
    assert.equal(result.code, 0, result.stdout.slice(0, 3000) + result.stderr);
    const report = JSON.parse(result.stdout) as { findings: Array<{ checkId: string; severity: string; object: { kind: string; name: string } }>; errors: unknown[]; suppressed: Array<{ checkId: string }> };
    assert.deepEqual(report.errors, []);
    const above = report.findings.filter((finding) => !['info', 'low'].includes(finding.severity));
    assert.deepEqual(above, []);
    // Both the chart's render (release "release") and the plain manifests were scanned.
    const names = new Set(report.findings.map((finding) => finding.object.name));
    assert.ok(names.has('release-palisade-admission') && names.has('palisade-admission'), [...names].join(', '));
  });
});

describe('deploy/admission.yaml on a real API server (server-side dry run)', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  /** kind -> collection path, from the server's discovery. */
  async function collections(list: KubeObject[]): Promise<Map<string, string | undefined>> {
    const out = new Map<string, string | undefined>();
    for (const apiVersion of new Set(list.map((object) => object.apiVersion))) {
      const response = await cluster.get(apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
      if (response.status === 404) continue;
      assert.equal(response.status, 200, `discovery of ${apiVersion}`);
      for (const resource of (JSON.parse(response.body) as { resources: Array<{ name: string; kind: string; namespaced: boolean }> }).resources) {
        if (resource.name.includes('/')) continue;
        out.set(`${apiVersion} ${resource.kind}`, `${apiVersion.includes('/') ? '/apis' : '/api'}/${apiVersion}${resource.namespaced ? '/namespaces/NAMESPACE' : ''}/${resource.name}`);
      }
    }
    return out;
  }

  async function dryRun(list: KubeObject[], label: string): Promise<string[]> {
    const paths = await collections(list);
    const created: string[] = [];
    // The namespace first, as kubectl apply orders it.
    const ordered = [...list].sort((a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'));
    for (const object of ordered) {
      const collection = paths.get(`${object.apiVersion} ${object.kind}`);
      if (collection === undefined) {
        // Only cert-manager's kinds may be missing (its CRDs are not installed here).
        assert.equal(object.apiVersion, 'cert-manager.io/v1', `${label}: the server does not serve ${object.apiVersion} ${object.kind}`);
        continue;
      }
      const response = await cluster.post(`${collection.replace('NAMESPACE', object.metadata.namespace ?? NAMESPACE)}?dryRun=All&fieldValidation=Strict`, object);
      assert.equal(response.status, 201, `${label}: ${object.kind} ${object.metadata.name}: ${response.status} ${response.body.slice(0, 500)}`);
      created.push(`${object.kind}/${object.metadata.name}`);
      // A namespace the dry run accepted is then created, for the objects that go in it.
      if (object.kind === 'Namespace') assert.equal((await cluster.post(collection, object)).status, 201);
    }
    return created;
  }

  it('accepts every object of the checked-in manifests, of a fresh render and of the cert-manager render', async () => {
    // The release namespace exists (kubectl create namespace / helm --create-namespace).
    const namespace = await cluster.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    assert.equal(namespace.status, 201, namespace.body);
    const checkedIn = await dryRun(objects(readFileSync(repoPath('deploy/admission.yaml'), 'utf8')), 'deploy/admission.yaml');
    assert.deepEqual(checkedIn.sort(), [
      'ClusterRole/palisade-admission',
      'ClusterRoleBinding/palisade-admission',
      'ConfigMap/palisade-admission-config',
      'Deployment/palisade-admission',
      'NetworkPolicy/palisade-admission',
      'PodDisruptionBudget/palisade-admission',
      'Secret/palisade-admission-ca',
      'Secret/palisade-admission-tls',
      'Service/palisade-admission',
      'ServiceAccount/palisade-admission',
      'ValidatingWebhookConfiguration/palisade-admission',
    ]);
    await dryRun(render(), 'helm template');
    const withNamespace = objects(helmTemplate(helm, REPO_ROOT, ['--namespace', 'palisade-system', '--set', 'namespace.create=true', '--set', 'config.admission.mode=enforce']));
    assert.equal(only(withNamespace, 'Namespace').metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
    assert.ok((await dryRun(withNamespace, 'helm template (namespace, enforce)')).includes('Namespace/palisade-system'));
    // Pod Security Admission at restricted (enforced on Pods, not on Deployments) admits the pod.
    assert.equal((await cluster.post('/api/v1/namespaces/palisade-system/serviceaccounts', only(withNamespace, 'ServiceAccount'))).status, 201);
    const template = (only(withNamespace, 'Deployment').spec as { template: { metadata: unknown; spec: unknown } }).template;
    const pod = await cluster.post('/api/v1/namespaces/palisade-system/pods?dryRun=All', { apiVersion: 'v1', kind: 'Pod', metadata: { ...(template.metadata as object), name: 'webhook' }, spec: template.spec });
    assert.equal(pod.status, 201, pod.body.slice(0, 500));
    const podSpec = template.spec as { containers: Array<Record<string, unknown>> };
    const unhardened = { ...podSpec, securityContext: {}, containers: podSpec.containers.map((container) => ({ ...container, securityContext: {} })) };
    const refused = await cluster.post('/api/v1/namespaces/palisade-system/pods?dryRun=All', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'webhook' }, spec: unhardened });
    assert.equal(refused.status, 403, 'the namespace enforces restricted (the check above means something)');
    const certManager = await dryRun(render('certManager.enabled=true'), 'helm template (cert-manager)');
    assert.ok(certManager.includes('ValidatingWebhookConfiguration/palisade-admission'));
  });

  it('accepts every object of the watch component', async () => {
    const created = await dryRun(render('watch.enabled=true', 'watch.store.existingSecret=palisade-pg').filter((object) => object.metadata.name.includes('-watch')), 'helm template (watch)');
    assert.deepEqual(created.sort(), ['ClusterRoleBinding/palisade-watch', 'Deployment/palisade-watch', 'NetworkPolicy/palisade-watch', 'Role/palisade-watch-lease', 'RoleBinding/palisade-watch-lease', 'ServiceAccount/palisade-watch']);
  });

  it('helm install, then upgrade: the self-signed CA is kept (lookup), the serving certificate issued again', () => {
    const env = { KUBECONFIG: cluster.kubeconfig, HELM_CACHE_HOME: `${cluster.dir}/helm-cache`, HELM_CONFIG_HOME: `${cluster.dir}/helm-config`, HELM_DATA_HOME: `${cluster.dir}/helm-data` };
    const caBundle = () => {
      const out = execFileSync(helm, ['get', 'manifest', 'upgraded', '-n', 'upgrade-test'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
      const list = objects(out);
      return { ca: webhooks(list)[0]!.clientConfig.caBundle, serving: (only(list, 'Secret', 'upgraded-palisade-admission-tls').data as Record<string, string>)['tls.crt'] };
    };
    const install = helmRun(['install', 'upgraded', CHART, '-n', 'upgrade-test', '--create-namespace'], env);
    assert.equal(install.code, 0, install.output);
    const first = caBundle();
    const upgrade = helmRun(['upgrade', 'upgraded', CHART, '-n', 'upgrade-test'], env);
    assert.equal(upgrade.code, 0, upgrade.output);
    const second = caBundle();
    assert.equal(second.ca, first.ca, 'the caBundle survives the upgrade');
    assert.notEqual(second.serving, first.serving, 'the serving certificate is issued again from the kept CA');
    const uninstall = helmRun(['uninstall', 'upgraded', '-n', 'upgrade-test'], env);
    assert.equal(uninstall.code, 0, uninstall.output);
  });
});
