import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_RUNTIME_SOCKETS, DEFAULT_SENSITIVE_HOST_PATHS, exposes, isBelow, joinHostPath, matchRuntimeSocket, matchSensitivePath, normalizeHostPath } from '../src/core/pod-security/host-paths.js';

describe('normalizeHostPath', () => {
  const cases: Array<[string, string]> = [
    ['/', '/'],
    ['', '/'],
    ['//', '/'],
    ['/etc/', '/etc'],
    ['/etc//', '/etc'],
    ['//etc', '/etc'],
    ['/etc/./kubernetes', '/etc/kubernetes'],
    ['/var/lib/../run/docker.sock', '/var/run/docker.sock'],
    ['/tmp/../../..', '/'],
    ['/data/..', '/'],
    ['etc', '/etc'],
    ['./etc/', '/etc'],
    ['/var/log/pods/..', '/var/log'],
    ['C:\\ProgramData\\docker', 'C:\\ProgramData\\docker'],
    ['\\\\.\\pipe\\docker_engine', '\\\\.\\pipe\\docker_engine'],
  ];
  for (const [input, expected] of cases) it(`${JSON.stringify(input)} -> ${expected}`, () => assert.equal(normalizeHostPath(input), expected));

  it('is idempotent and yields an absolute path without ., .. or empty segments', () => {
    const segment = fc.constantFrom('', '.', '..', 'a', 'etc', 'var', 'b c');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (segments, trailing) => {
        const raw = `/${segments.join('/')}${trailing ? '/' : ''}`;
        const once = normalizeHostPath(raw);
        assert.equal(normalizeHostPath(once), once);
        assert.ok(once.startsWith('/'));
        assert.ok(once === '/' || !once.endsWith('/'));
        assert.ok(!once.split('/').slice(1).some((part) => part === '' || part === '.' || part === '..') || once === '/');
      }),
    );
  });
});

describe('path relations', () => {
  it('joins a subPath onto a volume path', () => {
    assert.equal(joinHostPath('/', 'etc'), '/etc');
    assert.equal(joinHostPath('/var/lib', '../log'), '/var/log');
    assert.equal(joinHostPath('/data/', 'app/'), '/data/app');
  });
  it('knows which paths expose which', () => {
    assert.equal(exposes('/', '/etc'), true);
    assert.equal(exposes('/var', '/var/log'), true);
    assert.equal(exposes('/var/log/', '/var/log'), true);
    assert.equal(exposes('/var/lo', '/var/log'), false);
    assert.equal(exposes('/var/log/pods', '/var/log'), false);
    assert.equal(isBelow('/etc/kubernetes', '/etc'), true);
    assert.equal(isBelow('/etc', '/etc'), false);
    assert.equal(isBelow('/etcetera', '/etc'), false);
    assert.equal(isBelow('/anything', '/'), true);
  });
});

describe('matchSensitivePath', () => {
  const match = (path: string) => matchSensitivePath(path, DEFAULT_SENSITIVE_HOST_PATHS);
  it('matches the listed paths exactly', () => {
    assert.deepEqual(match('/'), { relation: 'equal', entry: '/' });
    assert.deepEqual(match('/etc/'), { relation: 'equal', entry: '/etc' });
    assert.deepEqual(match('/var/lib/kubelet'), { relation: 'equal', entry: '/var/lib/kubelet' });
    assert.deepEqual(match('/var/run/'), { relation: 'equal', entry: '/var/run' });
    assert.deepEqual(match('/tmp/../proc'), { relation: 'equal', entry: '/proc' });
  });
  it('matches directories above a sensitive path', () => {
    assert.deepEqual(match('/var'), { relation: 'contains', entry: '/var/log' });
    assert.deepEqual(match('/var/lib'), { relation: 'contains', entry: '/var/lib/etcd' });
    assert.deepEqual(match('/etc/kubernetes/..'), { relation: 'equal', entry: '/etc' });
  });
  it('matches paths inside /** entries, the most specific entry first', () => {
    assert.deepEqual(match('/etc/kubernetes/pki'), { relation: 'inside', entry: '/etc/kubernetes' });
    assert.deepEqual(match('/var/lib/kubelet/pods'), { relation: 'inside', entry: '/var/lib/kubelet' });
    assert.deepEqual(match('/proc/1/root'), { relation: 'inside', entry: '/proc' });
    assert.deepEqual(match('/root/.ssh'), { relation: 'inside', entry: '/root' });
  });
  it('does not match ordinary node paths', () => {
    for (const path of ['/data', '/mnt/disks/ssd0', '/var/log/pods', '/var/log/containers', '/etc/localtime', '/etc/ssl/certs', '/lib/modules', '/sys/fs/bpf', '/dev/fuse', '/run/xtables.lock', '/var/lib/app', '/opt/cni/bin', '/tmp', '/etc/kubernetes-other']) {
      assert.equal(match(path), undefined, path);
    }
  });
  it('honours custom lists', () => {
    assert.deepEqual(matchSensitivePath('/srv/data/x', ['/srv/**']), { relation: 'inside', entry: '/srv' });
    assert.equal(matchSensitivePath('/srv/data/x', ['/srv']), undefined);
    assert.equal(matchSensitivePath('/srv', ['', '  ']), undefined);
  });
});

describe('matchRuntimeSocket', () => {
  const match = (path: string) => matchRuntimeSocket(path, DEFAULT_RUNTIME_SOCKETS);
  it('matches the sockets, their directories and socket file names anywhere', () => {
    assert.deepEqual(match('/var/run/docker.sock'), { socket: '/var/run/docker.sock', relation: 'equal' });
    assert.deepEqual(match('/run/containerd/containerd.sock'), { socket: '/run/containerd/containerd.sock', relation: 'equal' });
    assert.deepEqual(match('/run/containerd/'), { socket: '/run/containerd/containerd.sock', relation: 'contains' });
    assert.deepEqual(match('/var/run/crio'), { socket: '/var/run/crio/crio.sock', relation: 'contains' });
    assert.deepEqual(match('/var/run'), { socket: '/var/run/containerd/containerd.sock', relation: 'contains' });
    assert.deepEqual(match('/custom/place/docker.sock'), { socket: '/custom/place/docker.sock', relation: 'equal' });
    assert.deepEqual(match('/var/lib/../run/podman/podman.sock'), { socket: '/var/run/podman/podman.sock', relation: 'equal' });
    assert.deepEqual(match('\\\\.\\pipe\\docker_engine'), { socket: '\\\\.\\pipe\\docker_engine', relation: 'equal' });
    assert.deepEqual(match(normalizeHostPath('\\\\.\\pipe\\containerd-containerd')), { socket: '\\\\.\\pipe\\containerd-containerd', relation: 'equal' });
  });
  it('does not match other paths', () => {
    for (const path of ['\\\\.\\pipe\\other_pipe', '/var/lib/docker', '/var/run/secrets', '/run/xtables.lock', '/var/run/docker.sock.bak', '/var/run/dockersock', '/run/containerd-other']) {
      assert.equal(match(path), undefined, path);
    }
  });
});
