/**
 * Command lines for kube-apiserver, to record what its own flag parser (spf13/pflag
 * through cobra, with Kubernetes' word-separator normalisation) makes of them:
 * hand-picked edge cases, then generated ones from a fixed fast-check seed so the
 * corpus is reproducible. `FLAG_TYPES` says how each flag used here is typed in
 * kube-apiserver v1.32.
 */
import fc from 'fast-check';

export const FLAG_TYPES: Readonly<Record<string, 'bool' | 'int' | 'string' | 'list'>> = {
  'anonymous-auth': 'bool',
  profiling: 'bool',
  'service-account-lookup': 'bool',
  'allow-privileged': 'bool',
  'audit-log-maxage': 'int',
  'audit-log-maxbackup': 'int',
  'audit-log-maxsize': 'int',
  'token-auth-file': 'string',
  'audit-log-path': 'string',
  'client-ca-file': 'string',
  'encryption-provider-config': 'string',
  'authorization-mode': 'list',
  'enable-admission-plugins': 'list',
  'disable-admission-plugins': 'list',
  'tls-cipher-suites': 'list',
};

const HANDPICKED: string[][] = [
  ['--anonymous-auth=false'],
  ['--anonymous-auth', 'false'],
  ['--anonymous_auth=false'],
  ['--profiling=false', '--profiling'],
  ['--profiling=no'],
  ['--profiling=F', '--service-account-lookup=0'],
  ['--authorization-mode=Node', '--authorization-mode', 'RBAC,Webhook'],
  ['--enable-admission-plugins='],
  ['--audit-log-maxage=0x1e', '--audit-log-maxbackup=010', '--audit-log-maxsize=1_000'],
  ['--audit-log-maxage=08'],
  ['--audit-log-maxage', '7'],
  ['--audit-log-path', '-'],
  ['--token-auth-file='],
  ['--', '--profiling=false'],
  ['-v', '3', '--profiling=false'],
  ['x', '--profiling=false'],
  ['--audit-log-path'],
  ['---profiling'],
  ['--tls-cipher-suites=TLS_AES_128_GCM_SHA256', '--tls-cipher-suites=TLS_AES_256_GCM_SHA384'],
];

const BOOL_WORDS = ['true', 'false', 'True', 'FALSE', '1', '0', 't', 'F', 'yes', ''];
const INT_WORDS = ['0', '7', '30', '0x1e', '010', '1_0', '08', '-1', 'x', ''];
const STRING_WORDS = ['/etc/kubernetes/a.csv', '-', '', 'x=y', 'a b'];
const LIST_WORDS = ['Node', 'RBAC', 'Node,RBAC', 'NodeRestriction,EventRateLimit', 'AlwaysAllow', ''];

const token = fc.constantFrom(...Object.keys(FLAG_TYPES)).chain((name) => {
  const type = FLAG_TYPES[name]!;
  const words = type === 'bool' ? BOOL_WORDS : type === 'int' ? INT_WORDS : type === 'string' ? STRING_WORDS : LIST_WORDS;
  return fc.record({ value: fc.constantFrom(...words), form: fc.constantFrom('eq', 'split', 'bare'), underscores: fc.boolean() }).map(({ value, form, underscores }) => {
    const written = `--${underscores ? name.replaceAll('-', '_') : name}`;
    if (form === 'bare') return [written];
    if (form === 'split') return [written, value];
    return [`${written}=${value}`];
  });
});

const looksLikeFlag = (text: string | undefined) => text !== undefined && text.length > 1 && text.startsWith('-');

/**
 * pflag gives a value flag written without "=" the next argument whatever it is, even
 * `--other=x`; the parse under test does not take an argument that looks like a flag
 * (its table of boolean flags is partial, and a swallowed flag would be misread), so
 * such command lines are left out.
 */
function takesFlagAsValue(args: readonly string[]): boolean {
  return args.some((text, index) => {
    const name = text.startsWith('--') && !text.includes('=') ? text.slice(2).replaceAll('_', '-') : undefined;
    return name !== undefined && FLAG_TYPES[name] !== undefined && FLAG_TYPES[name] !== 'bool' && looksLikeFlag(args[index + 1]);
  });
}

export function corpus(): string[][] {
  const generated = fc.sample(
    fc.array(token, { minLength: 1, maxLength: 6 }).map((tokens) => tokens.flat()).filter((args) => !takesFlagAsValue(args)),
    { numRuns: 260, seed: 20261123 },
  );
  return [...HANDPICKED, ...generated];
}
