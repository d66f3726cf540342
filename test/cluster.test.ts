import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startCluster, type TestCluster } from './support/cluster.js';

describe('the test control plane (real etcd and kube-apiserver)', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('serves the pinned Kubernetes version on loopback over TLS', async () => {
    const version = await cluster.get('/version');
    assert.equal(version.status, 200);
    assert.match(JSON.parse(version.body).gitVersion, /^v1\.32\.4/);
    assert.match(cluster.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('authenticates token users and authorizes them with RBAC', async () => {
    const denied = await cluster.get('/api/v1/namespaces/default/secrets', { token: cluster.tokens.alice });
    assert.equal(denied.status, 403);
    const review = await cluster.post('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'alice', groups: ['system:authenticated'], resourceAttributes: { verb: 'list', resource: 'secrets', namespace: 'default' } },
    });
    assert.equal(review.status, 201);
    assert.equal(JSON.parse(review.body).status.allowed, false);
    const admin = await cluster.get('/api/v1/namespaces/default/secrets');
    assert.equal(admin.status, 200);
  });

  it('writes a JSON audit log with the user and the decision', async () => {
    await cluster.get('/api/v1/namespaces/default/configmaps', { token: cluster.tokens.bob });
    const events = readFileSync(cluster.auditLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { user: { username: string }; verb: string; objectRef?: { resource?: string }; annotations?: Record<string, string> });
    const bob = events.find((event) => event.user.username === 'bob' && event.objectRef?.resource === 'configmaps');
    assert.ok(bob, 'no audit event for bob listing configmaps');
    assert.equal(bob.verb, 'list');
    assert.equal(bob.annotations?.['authorization.k8s.io/decision'], 'forbid');
  });
});
