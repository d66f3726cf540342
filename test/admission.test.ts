import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { admit, createAdmissionController, deadlineAnswer, modeFor, parseAdmissionPolicy, type AdmissionAnswer, type AdmissionReviewResponse } from '../src/app/admission.js';
import { planScan } from '../src/app/scan.js';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { createIncrementalInventory } from '../src/core/inventory/inventory.js';
import { refOf, type KubeObject, type Resource } from '../src/core/model/resource.js';
import { isClusterScoped } from '../src/core/kinds/scope.js';
import { repoPath } from './support/paths.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const CHECK_IDS = new Set(ALL_CHECKS.map((check) => check.id));

function fixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(repoPath(`test/fixtures/admission/${name}.json`), 'utf8')) as Record<string, any>;
}

function resource(object: KubeObject): Resource {
  return { ref: refOf(object, isClusterScoped), object, origin: { source: { kind: 'cluster', context: 'test' }, document: 0 } };
}

const NAMESPACE = (name: string, mode?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...(mode ? { 'admission.palisade.dev/mode': mode } : {}) } } });

function setup(config: unknown = {}, options: { mode?: string; inline?: boolean } = {}) {
  const plan = planScan({ config, now: NOW, ...(options.inline === false ? { inlineExceptions: false } : {}) });
  const { policy, problems } = parseAdmissionPolicy(config, CHECK_IDS);
  assert.deepEqual(problems, []);
  const controller = createAdmissionController(plan, policy);
  const pod = fixture('pod-create-by-replicaset').request.object as KubeObject;
  const inventory = createIncrementalInventory([
    resource(NAMESPACE('prod', options.mode ?? 'enforce')),
    resource(NAMESPACE('dev', 'warn')),
    resource({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d8f7', namespace: 'prod', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] }, spec: {} }),
    resource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod' }, spec: {} }),
    resource(pod),
  ]);
  return { controller, inventory, review: (body: unknown) => admit(body, inventory, controller, NOW) };
}

function response(answer: AdmissionAnswer) {
  assert.equal(answer.httpStatus, 200, JSON.stringify(answer.body));
  return (answer.body as AdmissionReviewResponse).response;
}

describe('admission: AdmissionReview in, response out', () => {
  it('admits a compliant Deployment (a relational check only warns) and denies one with hostNetwork in an enforced namespace, naming check, path and fix', () => {
    const { review } = setup();
    const ok = response(review(fixture('deployment-create-compliant')));
    assert.equal(ok.allowed, true);
    assert.equal(ok.uid, '00000000-0000-0000-0000-000000000001');
    assert.equal(ok.status, undefined);
    const denied = response(review(fixture('deployment-create-host-network')));
    assert.equal(denied.allowed, false);
    assert.equal(denied.status?.code, 403);
    assert.match(denied.status!.message, /^Palisade denied Deployment prod\/web: 1 violation of enforced checks\n- host-network \(\w+\) at spec\.template\.spec\.hostNetwork: .+ Fix: .+/);
    assert.match(denied.auditAnnotations!.deny!, /host-network@spec\.template\.spec\.hostNetwork/);
  });

  it('warns instead of denying in a warn namespace, and only records in audit', () => {
    for (const [mode, expectWarning] of [['warn', true], ['audit', false]] as const) {
      const { review } = setup({}, { mode });
      const answer = review(fixture('deployment-create-host-network'));
      const res = response(answer);
      assert.equal(res.allowed, true, mode);
      assert.equal(res.warnings?.some((warning) => warning.startsWith('palisade: host-network at spec.template.spec.hostNetwork')) ?? false, expectWarning, mode);
      if (mode === 'audit') assert.match(res.auditAnnotations!.audit!, /host-network/);
    }
  });

  it('follows the configuration: per-check modes, namespace overrides, failOn, and the label over the namespace setting', () => {
    const config = { admission: { mode: 'audit', failOn: 'critical', checks: { 'host-network': 'enforce' }, namespaces: { prod: { mode: 'warn', checks: { 'host-pid': 'audit' } } } } };
    const { policy } = parseAdmissionPolicy(config, CHECK_IDS);
    assert.deepEqual(modeFor(policy, 'host-pid', 'prod', 'enforce'), { mode: 'audit', explicit: true });
    assert.deepEqual(modeFor(policy, 'host-network', 'prod', 'enforce'), { mode: 'enforce', explicit: false });
    assert.deepEqual(modeFor(policy, 'host-network', 'prod', undefined), { mode: 'warn', explicit: false });
    assert.deepEqual(modeFor(policy, 'host-network', 'other', undefined), { mode: 'enforce', explicit: true });
    assert.deepEqual(modeFor(policy, 'run-as-root', 'other', undefined), { mode: 'audit', explicit: false });
    // failOn critical: host-network (below critical) never denies.
    const { review } = setup({ admission: { failOn: 'critical' } });
    assert.equal(response(review(fixture('deployment-create-host-network'))).allowed, true);
    const bad = parseAdmissionPolicy({ admission: { mode: 'block', checks: { nope: 'warn' }, exemptions: { serviceAccounts: ['just-a-name'] }, unscannedImages: 'allow', extra: 1 } }, CHECK_IDS);
    assert.deepEqual(
      bad.problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`).sort(),
      [
        'admission.extra: unknown setting "extra" (one of mode, failOn, checks, namespaces, exemptions, unscannedImages)',
        'admission.checks.nope: unknown check id "nope"',
        'admission.exemptions.serviceAccounts.0: a service account is written namespace/name',
        'admission.mode: mode must be one of enforce, warn, audit',
        'admission.unscannedImages: must be deny or warn',
      ].sort(),
    );
  });

  it('judges an UPDATE on what changed: scale, labels and a restart annotation pass; adding hostNetwork is denied', () => {
    const { review } = setup();
    for (const name of ['deployment-update-scale', 'deployment-update-restart']) {
      const res = response(review(fixture(name)));
      assert.equal(res.allowed, true, name);
      assert.ok(res.warnings?.some((warning) => warning.includes('host-network') && warning.includes('not changed by this update')), name);
      assert.match(res.auditAnnotations!.preexisting!, /host-network/);
    }
    const res = response(review(fixture('deployment-update-adds-host-network')));
    assert.equal(res.allowed, false);
    assert.match(res.status!.message, /host-network/);
  });

  it('checks pods created by a controller and names the owner', () => {
    const { review } = setup();
    const res = response(review(fixture('pod-create-by-replicaset')));
    assert.equal(res.allowed, false);
    assert.match(res.status!.message, /^Palisade denied Pod prod\/web-5d8f7-abcde \(created by ReplicaSet web-5d8f7, of Deployment web\)/);
  });

  it('answers a dry run exactly as the real request (there are no side effects to skip)', () => {
    const { review } = setup();
    const dry = review(fixture('deployment-create-dry-run'));
    assert.equal(response(dry).allowed, false);
    assert.equal(dry.decision.dryRun, true);
  });

  it('exempts by user, group, service account and namespace, recording the exemption', () => {
    const cases: [unknown, string, string][] = [
      [{ admission: { exemptions: { users: ['alice'] } } }, 'deployment-create-host-network', 'user alice'],
      [{ admission: { exemptions: { groups: ['team-alice'] } } }, 'deployment-create-host-network', 'group team-alice'],
      [{ admission: { exemptions: { namespaces: ['prod'] } } }, 'deployment-create-host-network', 'namespace prod'],
      [{ admission: { exemptions: { serviceAccounts: ['kube-system/replicaset-controller'] } } }, 'pod-create-by-replicaset', 'service account kube-system/replicaset-controller'],
    ];
    for (const [config, name, exemption] of cases) {
      const answer = setup(config).review(fixture(name));
      assert.deepEqual(response(answer).auditAnnotations, { exemption });
      assert.equal(response(answer).allowed, true);
      assert.equal(answer.decision.verdict, 'exempt');
    }
  });

  it('honours inline exceptions as scan does, unless inline exceptions are off', () => {
    const body = fixture('deployment-create-host-network');
    body.request.object.metadata.annotations = { 'ignore-check.palisade.dev/host-network': 'expires=2026-12-31 the CNI agent needs the host network' };
    const res = response(setup().review(body));
    assert.equal(res.allowed, true);
    assert.match(res.auditAnnotations!.exceptions!, /host-network@spec\.template\.spec\.hostNetwork \(annotation: the CNI agent needs the host network\)/);
    assert.equal(response(setup({}, { inline: false }).review(body)).allowed, false);
    const central = { exceptions: [{ checks: ['host-network'], namespaces: ['prod'], reason: 'approved by security' }] };
    assert.match(response(setup(central).review(fixture('deployment-create-host-network'))).auditAnnotations!.exceptions!, /config: approved by security/);
  });

  it('judges CONNECT exec on the target pod', () => {
    const res = response(setup().review(fixture('pod-exec')));
    assert.equal(res.allowed, false);
    assert.match(res.status!.message, /^Palisade denied exec into Pod prod\/web-5d8f7-abcde: the pod violates 1 enforced check\n- host-network/);
    assert.equal(response(setup({}, { mode: 'warn' }).review(fixture('pod-exec'))).allowed, true);
  });

  it('warns when protection is removed: a default-deny NetworkPolicy deleted, a Pod Security label dropped', () => {
    const { review } = setup();
    const deleted = response(review(fixture('networkpolicy-delete-default-deny')));
    assert.equal(deleted.allowed, true);
    assert.deepEqual(deleted.warnings, ['palisade: deleting NetworkPolicy prod/default-deny removes the default deny (ingress, egress) of every pod in the namespace']);
    // Dropping the label is also a new violation of an object-only check: denied in an enforced namespace.
    const relabelled = response(review(fixture('namespace-update-drops-pod-security')));
    assert.equal(relabelled.allowed, false);
    assert.match(relabelled.status!.message, /namespace-without-pod-security-labels \(medium\) at metadata\.labels: .+\. Fix: /);
    assert.ok(relabelled.warnings?.includes('palisade: removing the label pod-security.kubernetes.io/enforce=restricted from namespace prod lifts its enforcement'), JSON.stringify(relabelled));
  });

  it('answers what it does not understand with a clear error, never a throw', () => {
    const { review } = setup();
    const beta = review(fixture('malformed-v1beta1'));
    assert.equal(beta.httpStatus, 400);
    assert.match((beta.body as { error: string }).error, /"admission\.k8s\.io\/v1beta1" is not served: only admission\.k8s\.io\/v1/);
    assert.match((review(fixture('malformed-no-uid')).body as { error: string }).error, /no uid/);
    for (const body of [null, 42, 'text', [], {}, { kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request: 'x' }]) assert.equal(review(body).httpStatus, 400, JSON.stringify(body));
    const unknown = response(review(fixture('unknown-kind')));
    assert.equal(unknown.allowed, false);
    assert.equal(unknown.status?.code, 400);
    assert.match(unknown.status!.message, /kind Widget is not one Palisade judges/);
    const wrongObject = fixture('deployment-create-compliant');
    wrongObject.request.object = 'not an object';
    assert.match(response(review(wrongObject)).status!.message, /request\.object is not an object/);
  });

  it('gives a deadline answer: deny in an enforced namespace, admit with a warning elsewhere', () => {
    const { controller, inventory } = setup();
    const enforced = deadlineAnswer(fixture('deployment-create-compliant'), inventory, controller, 8000);
    assert.equal((enforced.body as AdmissionReviewResponse).response.allowed, false);
    assert.match((enforced.body as AdmissionReviewResponse).response.status!.message, /within its deadline of 8000 ms; denied because the namespace is enforced/);
    const body = fixture('deployment-create-compliant');
    body.request.namespace = 'dev';
    assert.equal((deadlineAnswer(body, inventory, controller, 8000).body as AdmissionReviewResponse).response.allowed, true);
  });
});
