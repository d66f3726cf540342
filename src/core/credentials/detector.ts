/**
 * Credential detection for literal values in manifests (environment
 * variables, ConfigMap data and the config files inside it).
 *
 * Two kinds of evidence:
 *  - the value's shape: token formats with a fixed prefix or structure
 *    (AWS key ids, GitHub/GitLab/Slack/Stripe/npm/SendGrid tokens, Google API
 *    keys, JWTs, PEM private keys, passwords embedded in URLs); reported
 *    whatever the name.
 *  - the name (PASSWORD, SECRET, TOKEN, API_KEY...) with a literal value that
 *    is not obviously something else: empty, a boolean or number, a
 *    reference ($(VAR), ${VAR}, {{ }}), a file path, a plain URL, a secret
 *    manager reference, or a placeholder that asks to be replaced
 *    (changeme, <password>, xxxx). Placeholders are not credentials: nothing
 *    leaks, and a finding would only repeat what the template already says.
 *
 * Nothing here returns or formats the value itself: results name the kind of
 * evidence only, so callers can report without leaking the secret.
 */

export type CredentialKind =
  | 'private-key'
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'slack-webhook'
  | 'google-api-key'
  | 'stripe-live-key'
  | 'jwt'
  | 'npm-token'
  | 'sendgrid-key'
  | 'azure-storage-key'
  | 'url-password'
  | 'connection-string-password'
  | 'credential-name';

export interface CredentialHit {
  kind: CredentialKind;
  /** a phrase for messages, e.g. 'looks like an AWS access key id'; never the value */
  description: string;
}

interface Shape {
  kind: CredentialKind;
  description: string;
  pattern: RegExp;
  /** further test on the matched text (or a capture group) */
  accept?: (match: RegExpExecArray) => boolean;
}

const notExample = (match: RegExpExecArray) => !/EXAMPLE/i.test(match[0]);

const SHAPES: readonly Shape[] = [
  {
    kind: 'private-key',
    description: 'looks like a private key (PEM block)',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
  },
  {
    kind: 'aws-access-key-id',
    description: 'looks like an AWS access key id',
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/,
    accept: notExample,
  },
  {
    kind: 'github-token',
    description: 'looks like a GitHub token',
    pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})(?![A-Za-z0-9_])/,
  },
  {
    kind: 'gitlab-token',
    description: 'looks like a GitLab access token',
    pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,}/,
  },
  {
    kind: 'slack-token',
    description: 'looks like a Slack token',
    pattern: /(?<![A-Za-z0-9])xox[abprs]-(?:[A-Za-z0-9]+-)+[A-Za-z0-9]{6,}/,
  },
  {
    kind: 'slack-webhook',
    description: 'looks like a Slack webhook URL',
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,}/,
  },
  {
    kind: 'google-api-key',
    description: 'looks like a Google API key',
    pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/,
  },
  {
    kind: 'stripe-live-key',
    description: 'looks like a Stripe live secret key',
    pattern: /(?<![A-Za-z0-9])(?:sk|rk)_live_[0-9A-Za-z]{24,}/,
  },
  {
    kind: 'jwt',
    description: 'looks like a JSON Web Token',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/,
  },
  {
    kind: 'npm-token',
    description: 'looks like an npm access token',
    pattern: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/,
  },
  {
    kind: 'sendgrid-key',
    description: 'looks like a SendGrid API key',
    pattern: /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/,
  },
  {
    kind: 'azure-storage-key',
    description: 'looks like an Azure storage account key',
    pattern: /AccountKey=([A-Za-z0-9+/]{40,}={0,2})/,
    accept: (match) => !isBenignValue(match[1] ?? ''),
  },
  {
    kind: 'url-password',
    description: 'looks like a URL with an embedded password',
    pattern: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:@/?#]*:([^\s@/?#]+)@[^\s@]/,
    accept: (match) => !isBenignValue(match[1] ?? ''),
  },
  {
    kind: 'connection-string-password',
    description: 'looks like a connection string with a password',
    // ADO.NET / ODBC / JDBC style: Password=...; next to other `;`-separated settings
    pattern: /(?:;\s*(?:password|pwd)\s*=\s*([^;'"\s]+))|(?:(?:^|[\s"'])(?:password|pwd)\s*=\s*([^;'"\s]+)\s*;)/i,
    accept: (match) => !isBenignValue(match[1] ?? match[2] ?? ''),
  },
];

/**
 * Every shape above contains one of these fragments: one cheap test rejects
 * the great majority of values before the shape patterns run.
 */
const SHAPE_FRAGMENTS = /PRIVATE KEY|A[SKBC][IC]A|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|hooks\.slack\.com|AIza|_live_|eyJ|npm_|SG\.|AccountKey=|:\/\/|pass|pwd/i;

/** Every name isCredentialName accepts contains one of these fragments. */
const NAME_FRAGMENTS = /pass|secret|token|credential|key|pwd/i;

/** The first credential shape found anywhere in the value. */
export function detectCredentialShape(value: string): CredentialHit | undefined {
  if (!SHAPE_FRAGMENTS.test(value)) return undefined;
  for (const shape of SHAPES) {
    const match = shape.pattern.exec(value);
    if (match && (shape.accept?.(match) ?? true)) return { kind: shape.kind, description: shape.description };
  }
  return undefined;
}

/** Splits a key name into lower-case words: `dbPassword`, `DB_PASSWORD`, `db.password` -> [db, password]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

/** Words that make a name a credential on their own. */
const CREDENTIAL_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'credential',
  'credentials',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
  'authkey',
  'masterkey',
]);

/** `<word> key` pairs that name a key that is a credential. */
const KEY_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'auth', 'master', 'encryption', 'signing', 'client', 'account', 'license']);

/** A last word that makes the name describe a credential rather than hold one (TOKEN_FILE, SECRET_NAME...). */
const METADATA_SUFFIXES = new Set([
  'algorithm',
  'annotation',
  'audience',
  'backend',
  'count',
  'dir',
  'directory',
  'disabled',
  'duration',
  'enable',
  'enabled',
  'endpoint',
  'env',
  'expiration',
  'expires',
  'expiry',
  'field',
  'file',
  'files',
  'format',
  'header',
  'host',
  'interval',
  'issuer',
  'kind',
  'label',
  'len',
  'length',
  'lifetime',
  'limit',
  'location',
  'max',
  'min',
  'mode',
  'mount',
  'name',
  'names',
  'namespace',
  'path',
  'paths',
  'period',
  'policy',
  'port',
  'prefix',
  'provider',
  'ref',
  'region',
  'required',
  'rotation',
  'scope',
  'scopes',
  'secs',
  'seconds',
  'size',
  'source',
  'store',
  'strategy',
  'suffix',
  'timeout',
  'ttl',
  'type',
  'uri',
  'url',
  'version',
]);

/** true when the name says it holds a credential: DB_PASSWORD, clientSecret, api-key, GITHUB_TOKEN... */
export function isCredentialName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  const last = words[words.length - 1]!;
  if (METADATA_SUFFIXES.has(last)) return false;
  // KEY_ID / TOKEN_ID / ACCESS_KEY_ID name an identifier, not the secret.
  if (last === 'id' && words.length >= 2 && ['key', 'token'].includes(words[words.length - 2]!)) return false;
  if (words.some((word) => CREDENTIAL_WORDS.has(word))) return true;
  for (let index = 1; index < words.length; index++) {
    if (words[index] === 'key' && KEY_QUALIFIERS.has(words[index - 1]!)) return true;
  }
  // PWD alone is the shell's working directory; DB_PWD is a password. PASS counts as the last word (DB_PASS).
  if (words.length >= 2 && (last === 'pwd' || last === 'pass')) return true;
  return false;
}

const BOOLEANS_AND_NULLS = /^(?:true|false|yes|no|on|off|y|n|null|nil|none|undefined|~)$/i;
const NUMBER = /^[-+]?\d+(?:\.\d+)?$/;
/** $(VAR) (Kubernetes), ${VAR} (shell, envsubst), {{ ... }} (Helm, Jinja), <%= %> (ERB) anywhere in the value */
const REFERENCE = /\$\([A-Za-z_][\w.-]*\)|\$\{[^}]*\}|\{\{[\s\S]*?\}\}|<%=?[\s\S]*?%>/;
/** a whole value that is $VAR (shell) or %VAR% (Windows); inside a longer value `$x` is more likely part of a password */
const WHOLE_REFERENCE = /^(?:\$[A-Za-z_]\w*|%[A-Za-z_]\w*%)$/;
/** secret manager and encrypted-value references: vault:, ref+..., AWS Secrets Manager/SSM ARNs, 1Password, sops, GCP Secret Manager */
const SECRET_MANAGER = /^(?:vault:|ref\+|arn:aws[\w-]*:(?:secretsmanager|ssm|kms):|op:\/\/|ENC\[|sops:|projects\/[^/\s]+\/secrets\/|(?:gcp|aws|azure)-?(?:sm|secrets?|kv):|akv:|secretsmanager:|ssm:|sm:\/\/|k8s-secret:|secret:\/\/)/i;
const PATH = /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\|file:\/\/)\S*$/;
const URL_WITHOUT_PASSWORD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/;
const PLACEHOLDER =
  /^(?:change[-_ ]?(?:me|it|this)|replace[-_ ]?(?:me|this)?|to[-_ ]?do|tbd|fixme|dummy|example|examples|sample|placeholder|redacted|masked|hidden|notset|not[-_ ]set|unset|empty|your[-_ ].*|<[^>]*>|\[[^\]]*\]|\*+|x{3,}|\.{3,}|-+|_+|#+|\?+)$/i;

/** A literal that cannot be a credential: empty, boolean, number, reference, path, URL without password, placeholder. */
export function isBenignValue(raw: string): boolean {
  const value = raw.trim();
  if (value.length < 3) return true;
  if (BOOLEANS_AND_NULLS.test(value) || NUMBER.test(value)) return true;
  if (REFERENCE.test(value) || WHOLE_REFERENCE.test(value) || SECRET_MANAGER.test(value)) return true;
  if (PATH.test(value)) return true;
  if (URL_WITHOUT_PASSWORD.test(value) && !/:\/\/[^\s/@]*:[^\s/@]+@/.test(value)) return true;
  if (PLACEHOLDER.test(value)) return true;
  if (/EXAMPLE/.test(value)) return true;
  return false;
}

const AWS_SECRET_VALUE = /^[A-Za-z0-9/+=]{40}$/;

/**
 * Classifies a named literal (an environment variable, a ConfigMap key, a
 * `key: value` line): a known shape first, then the AWS secret key shape
 * next to an AWS key name, then the name.
 */
export function classifyNamedValue(name: string, raw: string): CredentialHit | undefined {
  const shape = detectCredentialShape(raw);
  if (shape) return shape;
  const value = raw.trim();
  if (!isCredentialName(name) || isBenignValue(value)) return undefined;
  const words = nameWords(name);
  if (AWS_SECRET_VALUE.test(value) && (words.includes('aws') || (words.includes('secret') && words.includes('access')))) {
    return { kind: 'aws-secret-access-key', description: 'looks like an AWS secret access key' };
  }
  return { kind: 'credential-name', description: 'its name suggests a credential' };
}

export interface TextHit {
  /** 1-based line within the text */
  line: number;
  /** the key on that line, when the line is a `key: value` / `KEY=value` / `<key>value</key>` pair */
  key?: string;
  hit: CredentialHit;
}

const COMMENT = /^\s*(?:#|\/\/|;|<!--|--\s)/;
/** `key: value`, `key = value`, `KEY=value`, `export KEY=value`, `"key": "value",`, `- key: value` */
const KEY_VALUE = /^\s*(?:-\s+)?(?:export\s+)?(["']?)([A-Za-z_][\w.-]*)\1\s*[:=]\s*(.*)$/;
/** `"key": "value"` anywhere on the line (one-line JSON) */
const JSON_PAIR = /"([A-Za-z_][\w.-]*)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
/** `<key>value</key>` anywhere on the line */
const XML_ELEMENT = /<([A-Za-z_][\w.:-]*)(?:\s[^>]*)?>([^<]+)<\/\1>/g;

/** The literal value of a config line's right-hand side: unquoted, without a trailing comma or comment. */
function literalOf(rest: string): string | undefined {
  const text = rest.trim();
  if (text === '' || /^[|>[{&*!]/.test(text)) return undefined; // block scalar, structure, anchor, alias or tag
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const end = text.indexOf(quote, 1);
    return end === -1 ? text.slice(1) : text.slice(1, end);
  }
  return text.replace(/\s+#.*$/, '').replace(/[,;]\s*$/, '').trim();
}

/** The key/value pairs a config line holds, in order. */
function pairsOf(line: string): Array<[string, string | undefined]> {
  const pairs: Array<[string, string | undefined]> = [];
  const simple = KEY_VALUE.exec(line);
  if (simple) pairs.push([simple[2]!, literalOf(simple[3] ?? '')]);
  for (const match of line.matchAll(JSON_PAIR)) pairs.push([match[1]!, match[2]!]);
  for (const match of line.matchAll(XML_ELEMENT)) pairs.push([match[1]!, match[2]!]);
  return pairs;
}

/**
 * Scans a config file line by line (YAML, JSON, properties, .env, INI, TOML,
 * shell, XML): shapes anywhere on a line, then credential-named keys with a
 * literal value. At most one hit per line. Comment lines are skipped; a PEM
 * block is reported once, at its BEGIN line.
 */
export function scanConfigText(text: string): TextHit[] {
  const hits: TextHit[] = [];
  const lines = text.split(/\r?\n/);
  let inPem = false;
  lines.forEach((line, index) => {
    if (inPem) {
      if (/-----END [A-Z0-9 ]*-----/.test(line)) inPem = false;
      return;
    }
    // Neither a shape nor a credential-like name can be on this line.
    if (!SHAPE_FRAGMENTS.test(line) && !NAME_FRAGMENTS.test(line)) return;
    if (COMMENT.test(line)) return;
    const pairs = pairsOf(line);
    const shape = detectCredentialShape(line);
    if (shape) {
      if (shape.kind === 'private-key') inPem = !/-----END [A-Z0-9 ]*-----/.test(line.slice(line.indexOf('-----BEGIN') + 10));
      const key = pairs[0]?.[0];
      hits.push({ line: index + 1, ...(key !== undefined ? { key } : {}), hit: shape });
      return;
    }
    for (const [key, value] of pairs) {
      if (value === undefined) continue;
      const hit = classifyNamedValue(key, value);
      if (hit) {
        hits.push({ line: index + 1, key, hit });
        return;
      }
    }
  });
  return hits;
}
