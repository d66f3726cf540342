import path from 'node:path';
import { parseArgs } from 'node:util';
import { verifyImageSignatures } from '../../app/signatures.js';
import { ScanConfigError } from '../../app/scan.js';
import type { KeylessIdentity, SignaturePolicy } from '../../core/images/signatures.js';
import type { SignatureVerifier } from '../../core/ports/signatures.js';
import type { CredentialEntry } from '../../adapters/registry/credentials.js';
import { parseImageReference } from '../../core/images/reference.js';
import { loadConfigFile } from '../config.js';
import { signatureGate, verifierFor } from '../signatures.js';
import { SIGNATURE_OUTPUTS } from '../formatters/signatures.js';
import type { CommandIO } from '../io.js';
import { chooseOutput, formatList, writeRendered } from '../output/registry.js';
import { UsageError } from '../usage-error.js';

export const VERIFY_HELP = `Usage: palisade image verify IMAGE... [flags]

Verifies the Sigstore/cosign signatures of images in their registries, offline (no Rekor,
Fulcio or TUF is contacted): cosign's classic layout (the sha256-<digest>.sig tag) and Sigstore
bundles attached through the OCI referrers API (or its sha256-<digest> tag fallback). A
signature counts when it verifies with a trusted key or keyless identity AND names the image's
own digest. A tag is resolved to its digest first. Who may sign comes from the flags, or else
from the signatures: section of the configuration (see README, Image signatures).

Flags:
  -o, --output FORMAT                ${formatList(SIGNATURE_OUTPUTS)} (default ${SIGNATURE_OUTPUTS.default})
      --key FILE                     a trusted PEM public key (cosign.pub; repeatable: any one verifying is enough);
                                     key signatures are judged without a transparency log, as
                                     cosign verify --key --insecure-ignore-tlog=true
      --certificate-identity S       keyless: the certificate's subject (email or URI), exactly
      --certificate-identity-regexp R keyless: a regular expression the whole subject matches
      --certificate-oidc-issuer S    keyless: the OIDC issuer in the certificate, exactly
      --certificate-oidc-issuer-regexp R
      --trusted-root FILE            Sigstore trusted_root.json (Fulcio CAs, Rekor and CT log keys): keyless
                                     certificates chain to it, their Rekor entry and SCT are checked against it
      --insecure-ignore-sct          keyless: accept a certificate without a CT log SCT
      --config FILE                  configuration with a signatures: section (default .palisade.yaml), used
                                     when no --key or --certificate-* flag is given
      --insecure-registry HOST       plain HTTP for this registry host[:port] (repeatable)
      --username USER                registry user for the images named (with --password-stdin)
      --password-stdin               read the password or token from stdin
      --docker-config FILE           Docker config.json with credentials (default $DOCKER_CONFIG/config.json
                                     or ~/.docker/config.json when present)
      --pull-secret FILE             a Kubernetes Secret of type kubernetes.io/dockerconfigjson (repeatable)
  -h, --help                         this help

Exit codes: 0 every image verified, 1 an image unsigned, badly signed or not verifiable (the
registry could not be read), 2 usage error.

Examples:
  palisade image verify registry.example.com/app:1.4 --key cosign.pub
  palisade image verify ghcr.io/org/app@sha256:... --trusted-root trusted_root.json \\
    --certificate-identity-regexp '^https://github.com/org/' \\
    --certificate-oidc-issuer https://token.actions.githubusercontent.com
  palisade image verify app:1.4 -o json          # who may sign from .palisade.yaml's signatures:
`;

export async function imageVerifyCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      key: { type: 'string', multiple: true },
      'certificate-identity': { type: 'string' },
      'certificate-identity-regexp': { type: 'string' },
      'certificate-oidc-issuer': { type: 'string' },
      'certificate-oidc-issuer-regexp': { type: 'string' },
      'trusted-root': { type: 'string' },
      'insecure-ignore-sct': { type: 'boolean' },
      config: { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
      username: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'docker-config': { type: 'string' },
      'pull-secret': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(VERIFY_HELP);
    return 0;
  }
  const output = chooseOutput(SIGNATURE_OUTPUTS, values.output);
  if (positionals.length === 0) throw new UsageError(`no image given\n\n${VERIFY_HELP}`);
  for (const image of positionals) {
    const parsed = parseImageReference(image);
    if (!parsed.ok) throw new UsageError(`${image}: not an image reference (${parsed.error})`);
  }
  const registries = [...new Set(positionals.map((image) => (parseImageReference(image) as { ok: true; reference: { registry: string } }).reference.registry))];
  const credentials = await (await import('./image.js')).loadCredentials(values, registries, io);
  const verifier = await verifierFrom({ ...values, credentials }, io);
  const report = await verifyImageSignatures(positionals, verifier);
  await writeRendered(io, output, { verdicts: report.verdicts });
  return report.allVerified ? 0 : 1;
}

type Flags = { key?: string[]; 'certificate-identity'?: string; 'certificate-identity-regexp'?: string; 'certificate-oidc-issuer'?: string; 'certificate-oidc-issuer-regexp'?: string; 'trusted-root'?: string; 'insecure-ignore-sct'?: boolean; config?: string; 'insecure-registry'?: string[]; credentials?: CredentialEntry[] };

/** A verifier for the policy the flags give, or the configuration's signatures: section when no flag names a signer. */
async function verifierFrom(values: Flags, io: CommandIO): Promise<SignatureVerifier> {
  const options = { insecureRegistries: values['insecure-registry'] ?? [], userAgent: `palisade/${io.version}`, ...(values.credentials ? { credentials: values.credentials } : {}) };
  const identityFlags = ['certificate-identity', 'certificate-identity-regexp', 'certificate-oidc-issuer', 'certificate-oidc-issuer-regexp'] as const;
  const keyless = identityFlags.some((flag) => values[flag] !== undefined);
  if ((values.key?.length ?? 0) > 0 || keyless) {
    const identities: KeylessIdentity[] = [];
    if (keyless) {
      if ((values['certificate-identity'] === undefined) === (values['certificate-identity-regexp'] === undefined)) throw new UsageError('keyless verification needs exactly one of --certificate-identity or --certificate-identity-regexp');
      if ((values['certificate-oidc-issuer'] === undefined) === (values['certificate-oidc-issuer-regexp'] === undefined)) throw new UsageError('keyless verification needs exactly one of --certificate-oidc-issuer or --certificate-oidc-issuer-regexp');
      if (values['trusted-root'] === undefined) throw new UsageError('keyless verification needs --trusted-root FILE (a Sigstore trusted_root.json): Palisade verifies offline');
      for (const flag of ['certificate-identity-regexp', 'certificate-oidc-issuer-regexp'] as const) {
        const pattern = values[flag];
        if (pattern === undefined) continue;
        try {
          new RegExp(pattern);
        } catch (error) {
          throw new UsageError(`--${flag}: invalid regular expression (${(error as Error).message})`);
        }
      }
      identities.push({
        ...(values['certificate-identity'] !== undefined ? { subject: values['certificate-identity'] } : {}),
        ...(values['certificate-identity-regexp'] !== undefined ? { subjectRegExp: values['certificate-identity-regexp'] } : {}),
        ...(values['certificate-oidc-issuer'] !== undefined ? { issuer: values['certificate-oidc-issuer'] } : {}),
        ...(values['certificate-oidc-issuer-regexp'] !== undefined ? { issuerRegExp: values['certificate-oidc-issuer-regexp'] } : {}),
      });
    }
    const policy: SignaturePolicy = {
      keys: (values.key ?? []).map((file) => ({ name: path.basename(file), file })),
      keyless: identities,
      ...(values['trusted-root'] !== undefined ? { trustedRoot: values['trusted-root'] } : {}),
      requireSct: !values['insecure-ignore-sct'],
      cacheSeconds: 0,
      insecureRegistries: [],
    };
    return verifierFor(policy, io.cwd, options);
  }
  const { config, source } = await loadConfigFile(values.config).catch((error: unknown) => {
    if (error instanceof ScanConfigError) throw new UsageError(error.message);
    throw error;
  });
  const gate = await signatureGate(config, source, io.cwd, options);
  if (!gate) throw new UsageError('no signer to verify against: give --key FILE, or --certificate-identity and --certificate-oidc-issuer with --trusted-root, or a signatures: section in the configuration');
  return gate.verifier;
}
