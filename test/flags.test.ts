import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ALL_CHECKS } from '../src/core/checks/index.js';
import { admissionPlugin, authorizationModes, classifyIp, STRONG_CIPHER_SUITES, weakCipherSuites } from '../src/core/control-plane/semantics.js';
import { etcdVariable, expandReferences, FLAG_SYNTAX, parseArgs, parseGoBool, parseGoInt, readInvocation, splitList, type FlagSyntax, type Invocation } from '../src/core/control-plane/flags.js';
import { shownValue } from '../src/core/checks/support/flag-checks.js';
import { extractWorkload } from '../src/core/kinds/pod-spec.js';
import { FLAG_TYPES } from './oracles/apiserver-flags/corpus.js';
import { repoPath } from './support/paths.js';

const PFLAG = FLAG_SYNTAX['kube-apiserver'];
const GOFLAG = FLAG_SYNTAX.etcd;

/** name -> value of the last occurrence, as the binary keeps it. */
function lastValues(argv: readonly string[], syntax: FlagSyntax): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const flag of parseArgs(argv, syntax).flags) out[flag.name] = flag.value;
  return out;
}

function invocationOf(container: Record<string, unknown>, kind = 'Pod'): Invocation | undefined {
  const spec = { containers: [{ name: 'main', image: 'x', ...container }] };
  const object = kind === 'Pod' ? { kind, spec } : { kind, spec: { template: { spec } } };
  return readInvocation(extractWorkload(object)!.containers[0]!);
}

describe('parseArgs (pflag, as kube-apiserver, kube-controller-manager and kube-scheduler parse)', () => {
  const cases: Array<[string, string[], Record<string, string | undefined>, number[]]> = [
    ['--flag=value', ['--audit-log-path=/var/log/audit.log'], { 'audit-log-path': '/var/log/audit.log' }, []],
    ['--flag value', ['--audit-log-path', '/var/log/audit.log'], { 'audit-log-path': '/var/log/audit.log' }, []],
    ['a value may hold "="', ['--runtime-config=api/all=true'], { 'runtime-config': 'api/all=true' }, []],
    ['an empty value', ['--token-auth-file='], { 'token-auth-file': '' }, []],
    ['a bare boolean is true', ['--profiling'], { profiling: 'true' }, []],
    ['a boolean takes its value only after "="', ['--profiling', 'false'], { profiling: 'true' }, [1]],
    ['the last occurrence wins', ['--profiling=false', '--profiling'], { profiling: 'true' }, []],
    ['underscores read as dashes', ['--anonymous_auth=false'], { 'anonymous-auth': 'false' }, []],
    ['"--" ends the flags', ['--', '--profiling=false'], {}, [1]],
    ['-v takes a value', ['-v', '2', '--profiling=false'], { profiling: 'false' }, []],
    ['-v=2 and -h take none', ['-v=2', '-h', 'x'], {}, [2]],
    ['a positional argument does not stop pflag', ['x', '--profiling=false'], { profiling: 'false' }, [0]],
    ['a value flag followed by a flag has no value', ['--audit-log-path', '--profiling=false'], { 'audit-log-path': undefined, profiling: 'false' }, []],
    ['a value flag at the end has no value', ['--audit-log-path'], { 'audit-log-path': undefined }, []],
    ['"-" alone is positional', ['--audit-log-path', '-'], { 'audit-log-path': '-' }, []],
    ['bad syntax is positional', ['---x', '--=y'], {}, [0, 1]],
  ];
  for (const [name, argv, expected, positionals] of cases) {
    it(name, () => {
      assert.deepEqual(lastValues(argv, PFLAG), expected);
      assert.deepEqual(parseArgs(argv, PFLAG).positionals, positionals);
    });
  }

  it('records the stray argument after a bare boolean', () => {
    const [flag] = parseArgs(['--anonymous-auth', 'false'], PFLAG).flags;
    assert.deepEqual(flag, { name: 'anonymous-auth', value: 'true', index: 0, valueIndex: 0, bare: true, stray: 1 });
  });

  it('points at the value argument of the split form', () => {
    const [flag] = parseArgs(['--audit-log-maxage', '7'], PFLAG).flags;
    assert.equal(flag?.index, 0);
    assert.equal(flag?.valueIndex, 1);
  });
});

describe('parseArgs: agrees with kube-apiserver v1.32.4', () => {
  // Recorded from the real binary by test/oracles/apiserver-flags/record.sh.
  const records = readFileSync(repoPath('test/fixtures/apiserver-flags.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { args: string[]; ok: boolean; flags?: Record<string, string>; error?: string });
  // The binary's defaults, which the checks rely on when a flag is absent.
  const DEFAULTS: Record<string, string> = { 'anonymous-auth': 'true', profiling: 'true', 'service-account-lookup': 'true', 'allow-privileged': 'false' };

  /** What the binary makes of a command line, from parseArgs: undefined when it refuses to start. */
  function asTheBinary(args: readonly string[]): Record<string, string> | undefined {
    const parsed = parseArgs(args, PFLAG);
    // "does not take any arguments" (an empty argument is let through), "bad flag syntax"
    if (parsed.positionals.some((index) => args[index] !== '')) return undefined;
    const out: Record<string, string> = {};
    for (const [name, type] of Object.entries(FLAG_TYPES)) {
      const occurrences = parsed.flags.filter((flag) => flag.name === name);
      if (occurrences.some((flag) => flag.value === undefined)) return undefined; // "flag needs an argument"
      const last = occurrences[occurrences.length - 1]?.value;
      if (type === 'list') out[name] = `[${occurrences.flatMap((flag) => splitList(flag.value!)).join(',')}]`;
      else if (last === undefined) out[name] = DEFAULTS[name] ?? (type === 'int' ? '0' : '');
      else if (type === 'string') out[name] = last;
      else {
        // Every occurrence is set in turn: one bad value stops the binary.
        const read = occurrences.map((flag) => (type === 'bool' ? parseGoBool(flag.value!) : parseGoInt(flag.value!)));
        if (read.some((value) => value === undefined)) return undefined;
        out[name] = String(read[read.length - 1]);
      }
    }
    return out;
  }

  it(`on all ${records.length} recorded command lines`, () => {
    assert.ok(records.length > 200);
    assert.ok(records.filter((record) => record.ok).length > 100, 'the corpus holds enough accepted command lines');
    const disagreements: string[] = [];
    for (const record of records) {
      const actual = asTheBinary(record.args);
      const expected = record.ok ? record.flags : undefined;
      try {
        assert.deepEqual(actual, expected);
      } catch {
        disagreements.push(`${JSON.stringify(record.args)}: binary ${JSON.stringify(expected ?? record.error)}, parseArgs ${JSON.stringify(actual)}`);
      }
    }
    assert.deepEqual(disagreements, []);
  });

  it('an empty argument after a bare boolean is not a stray argument (cobra lets it through)', () => {
    assert.equal(parseArgs(['--profiling', ''], PFLAG).flags[0]?.stray, undefined);
    assert.equal(parseArgs(['--profiling', 'false'], PFLAG).flags[0]?.stray, 1);
  });
});

describe('parseArgs (Go flag package, as etcd parses)', () => {
  it('accepts one or two dashes and keeps underscores', () => {
    assert.deepEqual(lastValues(['-client-cert-auth', '--cert-file=/a', '-key_file', '/b'], GOFLAG), { 'client-cert-auth': 'true', 'cert-file': '/a', key_file: '/b' });
  });
  it('a boolean takes its value only after "="', () => {
    assert.deepEqual(lastValues(['-client-cert-auth', 'false'], GOFLAG), { 'client-cert-auth': 'true' });
    assert.deepEqual(lastValues(['-client-cert-auth=false'], GOFLAG), { 'client-cert-auth': 'false' });
  });
});

describe('parseArgs: any generated flag list round-trips', () => {
  const known = fc.constantFrom('anonymous-auth', 'profiling', 'service-account-lookup', 'token-auth-file', 'audit-log-maxage', 'authorization-mode', 'client-ca-file');
  const random = fc.stringMatching(/^[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,5}){0,3}$/);
  const name = fc.oneof(known, random);
  const boolText = fc.constantFrom('true', 'false', 'True', 'FALSE', '1', '0', 't', 'F');
  const entry = (syntax: FlagSyntax) =>
    fc.record({ name, value: fc.string({ maxLength: 12 }), bool: boolText, form: fc.constantFrom('eq', 'split', 'bare'), dashes: fc.constantFrom(1, 2), underscores: fc.boolean() }).map((item) => {
      const isBool = syntax.booleanFlags.has(item.name);
      const dashes = syntax.style === 'go' ? '-'.repeat(item.dashes) : '--';
      const written = syntax.style === 'pflag' && item.underscores ? item.name.replaceAll('-', '_') : item.name;
      if (isBool) {
        if (item.form === 'bare') return { name: item.name, value: 'true', argv: [`${dashes}${written}`] };
        return { name: item.name, value: item.bool, argv: [`${dashes}${written}=${item.bool}`] };
      }
      // The split form cannot carry a value that looks like a flag.
      if (item.form === 'split' && !(item.value.length > 1 && item.value.startsWith('-'))) return { name: item.name, value: item.value, argv: [`${dashes}${written}`, item.value] };
      return { name: item.name, value: item.value, argv: [`${dashes}${written}=${item.value}`] };
    });

  for (const [label, syntax] of [['pflag', PFLAG], ['go', GOFLAG]] as const) {
    it(`${label}: the last value of every flag, no positionals, locations right`, () => {
      fc.assert(
        fc.property(fc.array(entry(syntax), { maxLength: 12 }), (entries) => {
          const argv = entries.flatMap((item) => item.argv);
          const parsed = parseArgs(argv, syntax);
          const expected: Record<string, string> = {};
          for (const item of entries) expected[item.name] = item.value;
          assert.deepEqual(lastValues(argv, syntax), expected);
          assert.deepEqual(parsed.positionals, []);
          assert.equal(parsed.flags.length, entries.length);
          for (const flag of parsed.flags) {
            assert.ok(argv[flag.index]!.startsWith('-'));
            if (!flag.bare) assert.ok(argv[flag.valueIndex]!.endsWith(flag.value!));
          }
        }),
      );
    });
  }

  it('through a container: split anywhere between command and args, every setting located', () => {
    fc.assert(
      fc.property(
        fc.array(entry(PFLAG), { maxLength: 10 }).filter((entries) => entries.every((item) => !item.argv.some((text) => text.includes('$')))),
        fc.nat(),
        (entries, cut) => {
          const argv = ['kube-apiserver', ...entries.flatMap((item) => item.argv)];
          const at = cut % (argv.length + 1) || 1;
          const container: Record<string, unknown> = { command: argv.slice(0, at) };
          if (at < argv.length) container.args = argv.slice(at);
          const invocation = invocationOf(container);
          assert.ok(invocation);
          assert.equal(invocation.component, 'kube-apiserver');
          assert.deepEqual(invocation.listPath, ['spec', 'containers', 0, at < argv.length ? 'args' : 'command']);
          const expected = new Map<string, string>();
          for (const item of entries) expected.set(item.name, item.value);
          for (const [name, value] of expected) {
            const lookup = invocation.flag(name);
            assert.equal(lookup.state, 'set');
            if (lookup.state !== 'set') return;
            assert.equal(lookup.setting.value, value);
            const [, , , list, index] = lookup.setting.valuePath as [string, string, number, string, number];
            const element = list === 'command' ? argv[index] : argv[at + index];
            assert.ok(lookup.setting.bare ? element!.replaceAll('_', '-') === `--${name}` : element!.endsWith(value));
          }
        },
      ),
    );
  });
});

describe('Go value syntax', () => {
  it('strconv.ParseBool', () => {
    for (const text of ['1', 't', 'T', 'true', 'TRUE', 'True']) assert.equal(parseGoBool(text), true, text);
    for (const text of ['0', 'f', 'F', 'false', 'FALSE', 'False']) assert.equal(parseGoBool(text), false, text);
    for (const text of ['yes', 'no', 'on', 'tRUE', '', ' true']) assert.equal(parseGoBool(text), undefined, text);
  });
  it('strconv.ParseInt(text, 0, 64), as kube-apiserver v1.32 reads --audit-log-maxage', () => {
    // Checked against the binary: 0x1e -> 30, 010 -> 8, 1_000 -> 1000.
    const cases: Array<[string, number | undefined]> = [
      ['30', 30], ['0x1e', 30], ['010', 8], ['1_000', 1000], ['0o17', 15], ['0b101', 5], ['-7', -7], ['+7', 7], ['0', 0],
      ['08', undefined], ['1__0', undefined], ['_1', undefined], ['1_', undefined], ['', undefined], ['30d', undefined], [' 30', undefined],
    ];
    for (const [text, expected] of cases) assert.equal(parseGoInt(text), expected, text);
  });
});

describe('$(VAR) expansion (the kubelet, before the binary sees its arguments)', () => {
  const env = (name: string) => (name === 'DIR' ? { value: '/etc/kubernetes' } : name === 'SECRET' ? ('unknown' as const) : undefined);
  const cases: Array<[string, string, number | undefined]> = [
    ['--client-ca-file=$(DIR)/pki/ca.crt', '--client-ca-file=/etc/kubernetes/pki/ca.crt', undefined],
    ['$$(DIR)', '$(DIR)', undefined],
    ['$(MISSING)', '$(MISSING)', undefined],
    ['$(DIR', '$(DIR', undefined],
    ['a$', 'a$', undefined],
    ['--token-auth-file=$(SECRET)', '--token-auth-file=$(SECRET)', 18],
  ];
  for (const [input, text, unknownFrom] of cases) {
    it(input, () => assert.deepEqual(expandReferences(input, env), unknownFrom === undefined ? { text } : { text, unknownFrom }));
  }
});

describe('readInvocation: which container runs which component', () => {
  it('command[0], by basename', () => {
    assert.equal(invocationOf({ command: ['/usr/local/bin/kube-apiserver', '--profiling=false'] })?.component, 'kube-apiserver');
    assert.equal(invocationOf({ command: ['etcd'] })?.component, 'etcd');
  });
  it('args[0] when command is absent (the image entrypoint runs it)', () => {
    const invocation = invocationOf({ args: ['kube-scheduler', '--bind-address=0.0.0.0'] });
    assert.equal(invocation?.component, 'kube-scheduler');
    assert.deepEqual(invocation?.listPath, ['spec', 'containers', 0, 'args']);
  });
  it('after /go-runner and its flags', () => {
    const invocation = invocationOf({ command: ['/go-runner', '--log-file=/var/log/kcm.log', '--also-stdout', '/usr/local/bin/kube-controller-manager', '--profiling=false'] });
    assert.equal(invocation?.component, 'kube-controller-manager');
    assert.equal(invocation?.flag('profiling').state, 'set');
    assert.equal(invocation?.flag('log-file').state, 'absent');
  });
  it('not a component: other binaries, a component name as an argument, a shell', () => {
    assert.equal(invocationOf({ command: ['etcdctl', 'snapshot', 'save'] }), undefined);
    assert.equal(invocationOf({ command: ['prometheus'], args: ['kube-apiserver'] }), undefined);
    assert.equal(invocationOf({ command: ['/bin/sh', '-c', 'exec kube-apiserver --profiling=false'] }), undefined);
    assert.equal(invocationOf({ args: ['--profiling=false'] }), undefined);
    assert.equal(invocationOf({}), undefined);
  });
  it('in any workload kind', () => {
    assert.equal(invocationOf({ command: ['kube-apiserver'] }, 'Deployment')?.component, 'kube-apiserver');
  });
  it('expands $(VAR) from env; a value from elsewhere is unknown', () => {
    const invocation = invocationOf({
      command: ['kube-apiserver', '--client-ca-file=$(PKI)/ca.crt', '--token-auth-file=$(TOKENS)'],
      env: [{ name: 'PKI', value: '/etc/kubernetes/pki' }, { name: 'TOKENS', valueFrom: { configMapKeyRef: { name: 'x', key: 'y' } } }],
    })!;
    const ca = invocation.flag('client-ca-file');
    assert.equal(ca.state === 'set' && ca.setting.value, '/etc/kubernetes/pki/ca.crt');
    const tokens = invocation.flag('token-auth-file');
    assert.equal(tokens.state, 'set');
    assert.equal(tokens.state === 'set' && tokens.setting.value, undefined);
  });
});

describe('readInvocation: etcd environment variables', () => {
  it('ETCD_<NAME> sets a flag not given on the command line; the command line wins', () => {
    assert.equal(etcdVariable('client-cert-auth'), 'ETCD_CLIENT_CERT_AUTH');
    const invocation = invocationOf({
      command: ['etcd', '--peer-client-cert-auth=false'],
      env: [
        { name: 'ETCD_CLIENT_CERT_AUTH', value: 'true' },
        { name: 'ETCD_PEER_CLIENT_CERT_AUTH', value: 'true' },
        { name: 'ETCD_AUTO_TLS', value: '' },
      ],
    })!;
    const client = invocation.flag('client-cert-auth');
    assert.equal(client.state === 'set' && client.setting.source, 'environment');
    assert.deepEqual(client.state === 'set' && client.setting.valuePath, ['spec', 'containers', 0, 'env', 0, 'value']);
    const peer = invocation.flag('peer-client-cert-auth');
    assert.equal(peer.state === 'set' && peer.setting.value, 'false');
    assert.equal(invocation.flag('auto-tls').state, 'absent', 'etcd ignores an empty variable');
  });
  it('the last env entry of a name wins', () => {
    const invocation = invocationOf({ command: ['etcd'], env: [{ name: 'ETCD_AUTO_TLS', value: 'true' }, { name: 'ETCD_AUTO_TLS', value: 'false' }] })!;
    const auto = invocation.flag('auto-tls');
    assert.equal(auto.state === 'set' && auto.setting.value, 'false');
  });
  it('envFrom makes every flag not set explicitly unknown', () => {
    const invocation = invocationOf({ command: ['etcd', '--cert-file=/a'], envFrom: [{ configMapRef: { name: 'etcd' } }] })!;
    assert.equal(invocation.flag('client-cert-auth').state, 'unknown');
    assert.equal(invocation.flag('cert-file').state, 'set');
  });
  it('--config-file or ETCD_CONFIG_FILE makes the flags meaningless', () => {
    assert.ok(invocationOf({ command: ['etcd', '--config-file=/etc/etcd.yaml'] })?.opaque);
    assert.ok(invocationOf({ command: ['etcd'], env: [{ name: 'ETCD_CONFIG_FILE', value: '/etc/etcd.yaml' }] })?.opaque);
    assert.equal(invocationOf({ command: ['etcd'] })?.opaque, undefined);
  });
  it('environment variables mean nothing to the Kubernetes components', () => {
    const invocation = invocationOf({ command: ['kube-apiserver'], env: [{ name: 'ETCD_PROFILING', value: 'false' }] })!;
    assert.equal(invocation.flag('profiling').state, 'absent');
  });
});

describe('admission plugins (kube-apiserver v1.32)', () => {
  const state = (argv: string[], plugin: string) => {
    const result = admissionPlugin(invocationOf({ command: ['kube-apiserver', ...argv] })!, plugin);
    return result && { enabled: result.enabled, by: result.by };
  };
  it('defaults: ServiceAccount and NamespaceLifecycle on, NodeRestriction and AlwaysPullImages off', () => {
    assert.deepEqual(state([], 'ServiceAccount'), { enabled: true, by: 'default' });
    assert.deepEqual(state([], 'NamespaceLifecycle'), { enabled: true, by: 'default' });
    assert.deepEqual(state([], 'NodeRestriction'), { enabled: false, by: 'default' });
    assert.deepEqual(state(['--enable-admission-plugins=NodeRestriction'], 'AlwaysPullImages'), { enabled: false, by: 'default' });
  });
  it('--enable-admission-plugins accumulates over occurrences', () => {
    assert.deepEqual(state(['--enable-admission-plugins=NodeRestriction', '--enable-admission-plugins', 'EventRateLimit'], 'NodeRestriction'), { enabled: true, by: 'enable-admission-plugins' });
  });
  it('--disable-admission-plugins turns a default off', () => {
    assert.deepEqual(state(['--disable-admission-plugins=PodSecurity,ServiceAccount'], 'ServiceAccount'), { enabled: false, by: 'disable-admission-plugins' });
  });
  it('the deprecated --admission-control is the whole list', () => {
    assert.deepEqual(state(['--admission-control=NamespaceLifecycle,NodeRestriction'], 'ServiceAccount'), { enabled: false, by: 'admission-control' });
    assert.deepEqual(state(['--admission-control=NamespaceLifecycle,NodeRestriction'], 'NodeRestriction'), { enabled: true, by: 'admission-control' });
  });
});

describe('authorization modes', () => {
  const modes = (argv: string[]) => authorizationModes(invocationOf({ command: ['kube-apiserver', ...argv] })!)?.modes;
  it('AlwaysAllow by default; a list flag accumulates', () => {
    assert.deepEqual(modes([]), ['AlwaysAllow']);
    assert.deepEqual(modes(['--authorization-mode=Node', '--authorization-mode', 'RBAC,Webhook']), ['Node', 'RBAC', 'Webhook']);
  });
  it('unknown with --authorization-config and no --authorization-mode', () => {
    assert.equal(modes(['--authorization-config=/etc/kubernetes/authz.yaml']), undefined);
  });
});

describe('IP addresses (Go net.ParseIP)', () => {
  const cases: Array<[string, ReturnType<typeof classifyIp>]> = [
    ['127.0.0.1', 'loopback'], ['127.1.2.3', 'loopback'], ['::1', 'loopback'], ['0:0:0:0:0:0:0:1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['10.0.0.5', 'other'], ['fe80::1', 'other'], ['::ffff:10.0.0.1', 'other'],
    ['localhost', undefined], ['127.000.0.1', undefined], ['256.0.0.1', undefined], ['1::2::3', undefined], ['', undefined], ['::1%lo', undefined],
  ];
  for (const [text, expected] of cases) it(`${text || '(empty)'} is ${expected}`, () => assert.equal(classifyIp(text), expected));
});

describe('TLS cipher suites', () => {
  it('reports the suites outside the strong list, per occurrence', () => {
    const invocation = invocationOf({ command: ['kube-apiserver', '--tls-cipher-suites=TLS_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_GCM_SHA256', '--tls-cipher-suites=TLS_RSA_WITH_3DES_EDE_CBC_SHA'] })!;
    assert.deepEqual(weakCipherSuites(invocation, STRONG_CIPHER_SUITES)?.map((item) => item.suite), ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA']);
  });
});

describe('values in messages', () => {
  it('hides values of flags named like credentials unless they are file paths', () => {
    assert.equal(shownValue('token-auth-file', '/etc/kubernetes/tokens.csv'), '/etc/kubernetes/tokens.csv');
    assert.equal(shownValue('initial-cluster-token', 'etcd-cluster-1'), '(hidden)');
    assert.equal(shownValue('kubelet-client-key', 'client.key'), '(hidden)');
    assert.equal(shownValue('profiling', 'true'), 'true');
  });
});

describe('control-plane checks', () => {
  const checks = ALL_CHECKS.filter((check) => check.category === 'control-plane');
  it('cover the four components', () => {
    assert.ok(checks.length >= 25, `only ${checks.length} control-plane checks`);
    for (const prefix of ['apiserver-', 'controller-manager-', 'scheduler-', 'etcd-']) assert.ok(checks.some((check) => check.id.startsWith(prefix)), prefix);
  });
  it('map to CIS control-plane controls', () => {
    for (const check of checks) assert.ok(check.standards.cis?.every((id) => /^(1\.[234]\.\d+|2\.\d|3\.2\.1|4\.2\.\d+)$/.test(id)) ?? true, check.id);
  });
});
