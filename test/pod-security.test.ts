import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { holdsCapability, normalizeCapability } from '../src/core/pod-security/pods.js';
import { extractWorkload } from '../src/core/kinds/pod-spec.js';
import { scanText } from './support/scan.js';

const POD_SECURITY = ALL_CHECKS.filter((check) => check.category === 'pod-security');

function container(securityContext: Record<string, unknown>) {
  const workload = extractWorkload({ kind: 'Pod', spec: { containers: [{ name: 'c', image: 'x', securityContext }] } });
  return workload!.containers[0]!;
}

describe('capability names', () => {
  it('normalizes case and the CAP_ prefix, but never turns CAP_ALL into ALL', () => {
    assert.equal(normalizeCapability('cap_sys_admin'), 'SYS_ADMIN');
    assert.equal(normalizeCapability('SYS_ADMIN'), 'SYS_ADMIN');
    assert.equal(normalizeCapability('all'), 'ALL');
    assert.equal(normalizeCapability('CAP_ALL'), 'CAP_ALL');
  });
});

describe('capabilities a container holds (containerd and CRI-O order: default, add ALL, drop ALL, adds, drops)', () => {
  const cases: Array<[string, Record<string, unknown>, string, boolean]> = [
    ['default set keeps NET_RAW', {}, 'NET_RAW', true],
    ['default set lacks SYS_ADMIN', {}, 'SYS_ADMIN', false],
    ['drop ALL removes the default set', { capabilities: { drop: ['ALL'] } }, 'NET_RAW', false],
    ['an add after drop ALL survives', { capabilities: { drop: ['ALL'], add: ['NET_RAW'] } }, 'NET_RAW', true],
    ['drop ALL cancels add ALL', { capabilities: { add: ['ALL'], drop: ['ALL'] } }, 'SYS_ADMIN', false],
    ['add ALL minus one drop', { capabilities: { add: ['ALL'], drop: ['SYS_ADMIN'] } }, 'SYS_ADMIN', false],
    ['add ALL keeps the rest', { capabilities: { add: ['ALL'], drop: ['SYS_ADMIN'] } }, 'NET_ADMIN', true],
    ['an individual drop beats the same add', { capabilities: { add: ['SYS_ADMIN'], drop: ['SYS_ADMIN'] } }, 'SYS_ADMIN', false],
    ['a lower-case drop works', { capabilities: { drop: ['net_raw'] } }, 'NET_RAW', false],
    ['a lower-case drop all works', { capabilities: { drop: ['all'] } }, 'NET_RAW', false],
    ['a CAP_-prefixed drop is not relied on (containerd)', { capabilities: { drop: ['CAP_NET_RAW'] } }, 'NET_RAW', true],
    ['a CAP_-prefixed add is assumed to work (CRI-O)', { capabilities: { add: ['cap_sys_admin'] } }, 'SYS_ADMIN', true],
    ['privileged holds everything whatever it drops', { privileged: true, capabilities: { drop: ['ALL'] } }, 'SYS_ADMIN', true],
  ];
  for (const [name, securityContext, capability, expected] of cases) {
    it(name, () => assert.equal(holdsCapability(container(securityContext), capability), expected));
  }
});

describe('pod-security checks', () => {
  it('cover the area (metadata is checked for every check in test/docs.test.ts)', () => {
    assert.ok(POD_SECURITY.length >= 20, `only ${POD_SECURITY.length} pod-security checks`);
  });
});

const HARDENED = `apiVersion: apps/v1
kind: Deployment
metadata: {name: hardened, namespace: shop}
spec:
  selector: {matchLabels: {app: hardened}}
  template:
    metadata: {labels: {app: hardened}}
    spec:
      hostUsers: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile: {type: RuntimeDefault}
      initContainers:
        - name: init
          image: x
          securityContext: &hardened
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
      containers:
        - name: app
          image: x
          securityContext:
            <<: *hardened
            capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
        - name: sidecar
          image: x
          securityContext: *hardened
`;

describe('pod-level inheritance across the pod-security checks', () => {
  it('a hardened pod that sets its pod-level fields once reports nothing, even with every check enabled', () => {
    const result = scanText(HARDENED, { only: POD_SECURITY.map((check) => check.id) });
    assert.deepEqual(result.findings.map((f) => `${f.checkId} ${f.message}`), []);
  });

  it('a bare container is reported by the restricted-level checks, once per check', () => {
    const bare = 'apiVersion: v1\nkind: Pod\nmetadata: {name: bare}\nspec:\n  containers: [{name: app, image: x}]\n';
    const result = scanText(bare, { standard: 'pss-restricted' });
    assert.deepEqual(result.findings.map((f) => f.checkId).sort(), [
      'allow-privilege-escalation',
      'capabilities-all-not-dropped',
      'run-as-root',
      'seccomp-profile-missing',
    ]);
  });

  it('reports each forbidden capability once under the restricted standard', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: caps}
spec:
  containers:
    - name: app
      image: x
      securityContext:
        capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, CHOWN, SYS_ADMIN]}
`;
    const result = scanText(text, { standard: 'pss-restricted' });
    assert.deepEqual(
      result.findings.filter((f) => f.location.path.includes('.add[')).map((f) => `${f.location.path} ${f.checkId}`),
      ['spec.containers[0].securityContext.capabilities.add[1] capabilities-added', 'spec.containers[0].securityContext.capabilities.add[2] capabilities-beyond-baseline'],
    );
  });

  it('pss-restricted reports a pod-level runAsNonRoot: false even when every container sets true, as Pod Security does', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: pod-false}
spec:
  securityContext: {runAsNonRoot: false, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: app
      image: x
      securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;
    const findings = scanText(text, { standard: 'pss-restricted' }).findings;
    assert.deepEqual(findings.map((f) => [f.checkId, f.location.path, f.container]), [['run-as-root', 'spec.securityContext.runAsNonRoot', undefined]]);
    // Only an explicit runAsNonRoot counts: runAsUser alone does not; a user namespace relaxes the control.
    const uidOnly = text.replace('runAsNonRoot: false, ', 'runAsUser: 1000, ').replace('runAsNonRoot: true, ', '');
    assert.deepEqual(scanText(uidOnly, { standard: 'pss-restricted' }).findings.map((f) => f.messageId), ['uidOnly']);
    assert.deepEqual(scanText(text.replace('spec:\n', 'spec:\n  hostUsers: false\n'), { standard: 'pss-restricted' }).findings, []);
  });

  it('a container override wins over the pod: Unconfined at the pod, RuntimeDefault in every container', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: override}
spec:
  securityContext: {seccompProfile: {type: Unconfined}}
  containers:
    - {name: a, image: x, securityContext: {seccompProfile: {type: RuntimeDefault}}}
`;
    assert.equal(scanText(text, { only: ['seccomp-profile-missing'] }).findings.length, 0);
    // The pod-level setting is still written, and Pod Security rejects it: reported once, without a container.
    const unconfined = scanText(text, { only: ['seccomp-unconfined'] }).findings;
    assert.deepEqual(unconfined.map((f) => [f.container, f.location.path]), [[undefined, 'spec.securityContext.seccompProfile.type']]);
  });
});

describe('options', () => {
  const userNamespacePod = `apiVersion: v1
kind: Pod
metadata: {name: nested}
spec:
  hostUsers: false
  containers: [{name: builder, image: x, securityContext: {procMount: Unmasked}}]
`;
  it('unmasked-proc-mount accepts user-namespace pods only when allowInUserNamespace is set', () => {
    assert.equal(scanText(userNamespacePod, { only: ['unmasked-proc-mount'] }).findings.length, 1);
    const options = { config: { options: { 'unmasked-proc-mount': { allowInUserNamespace: true } } } };
    assert.equal(scanText(userNamespacePod, { only: ['unmasked-proc-mount'], ...options }).findings.length, 0);
    const hostUsers = userNamespacePod.replace('hostUsers: false', 'hostUsers: true');
    assert.equal(scanText(hostUsers, { only: ['unmasked-proc-mount'], ...options }).findings.length, 1);
  });

  it('dangerous-capabilities reads its list in any spelling', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x, securityContext: {capabilities: {add: [NET_RAW, SYS_ADMIN]}}}]\n';
    const findings = scanText(text, { only: ['dangerous-capabilities'], config: { options: { 'dangerous-capabilities': { capabilities: ['cap_net_raw'] } } } }).findings;
    assert.deepEqual(findings.map((f) => f.message), ['container "a" adds the capability NET_RAW']);
  });

  it('sandboxed-runtime-missing takes label keys, annotations and runtime classes from options', () => {
    const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {tier: payments}
  annotations: {example.com/untrusted-input: "yes"}
spec:
  runtimeClassName: firecracker
  containers: [{name: a, image: x}]
`;
    const run = (options: Record<string, unknown>) =>
      scanText(text, { only: ['sandboxed-runtime-missing'], config: { options: { 'sandboxed-runtime-missing': options } } }).findings.map((f) => f.message);
    assert.deepEqual(run({}), []);
    assert.deepEqual(run({ sensitiveLabels: ['tier'] }), ['the workload is marked sensitive (label tier) but its runtimeClassName "firecracker" is not a sandboxed runtime']);
    assert.deepEqual(run({ sensitiveLabels: [], sensitiveAnnotations: ['example.com/untrusted-input=yes'] }).length, 1);
    assert.deepEqual(run({ sensitiveLabels: ['tier=payments'], sandboxedRuntimeClasses: ['firecracker'] }), []);
  });
});
