import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PipelineContext } from '../../adapters/images/pipeline.js';
import { DEFAULT_MAX_DATA_AGE_DAYS, IMAGE_INVENTORY_API_VERSION, imageVerdict, scanImages, vulnerabilityDataNotice, type ImageFindingSource, type ImageSources } from '../../app/image.js';
import { exitCodeOf } from '../../app/verdict.js';
import { defaultImageStorePath } from '../../adapters/store/paths.js';
import { ImageStore } from '../../adapters/store/image-store.js';
import { DatabaseError, defaultDatabasePath, openVulnerabilityDatabase, type SqliteVulnerabilityDatabase } from '../../adapters/vulndb/database.js';
import { VULNERABILITY_SEVERITIES, type VulnerabilitySeverity } from '../../core/images/match.js';
import { locateImage, type ImageLocation } from '../../adapters/images/locate.js';
import type { OpenedImage } from '../../adapters/images/sources.js';
import type { RegistryClient } from '../../adapters/registry/client.js';
import type { CredentialEntry } from '../../adapters/registry/credentials.js';
import { formatPlatform, parsePlatform, type Platform } from '../../core/images/oci.js';
import { parseImageReference } from '../../core/images/reference.js';
import type { CommandIO } from '../io.js';
import { IMAGE_OUTPUTS, imageOutputs, SINGLE_IMAGE_FORMATS, type ImageInventoryReport } from '../formatters/image.js';
import { chooseOutputs, formatList, writeAllRendered } from '../output/registry.js';
import { UsageError } from '../usage-error.js';
import { maxDataAgeDays } from '../data-age.js';

export type { ImageFindingSource };
export { IMAGE_INVENTORY_API_VERSION };

export const IMAGE_HELP = `Usage: palisade image REF... [flags]
       palisade image verify IMAGE... --key FILE | --certificate-identity S --certificate-oidc-issuer S --trusted-root FILE
                              (signatures: palisade image verify --help; -o table or json)

Pulls container images (streamed, never unpacked to disk), lists what every layer
installed: the OS, its packages, and language packages (npm, Python, Go binaries, Java
archives, Ruby gems, Rust binaries built with cargo-auditable, .NET, PHP Composer), each
with the layer that introduced it, and matches them against the local vulnerability
database (palisade db update). Results are stored by digest: scanning the same image
again against the same data reads the store instead of pulling. REF is a registry reference (nginx:1.27,
ghcr.io/org/app@sha256:...), an OCI layout directory (oci:DIR[:TAG]) or a
'docker save' tarball (docker-archive:FILE, or any existing file).

Flags:
  -o, --output FORMAT[=FILE]   ${formatList(IMAGE_OUTPUTS)} (default ${IMAGE_OUTPUTS.default}); sarif, junit and
                               markdown list the vulnerabilities as the scanner lists findings;
                               cyclonedx is CycloneDX 1.5 JSON, spdx is SPDX 2.3 JSON (one image only)
      --platform OS/ARCH[/V]   platform to pick from a multi-arch index (default ${defaultPlatformText()})
      --insecure-registry HOST plain HTTP for this registry host[:port] (repeatable; loopback test registries)
      --username USER          registry user for the images named (with --password-stdin)
      --password-stdin         read the password or token from stdin
      --docker-config FILE     Docker config.json with credentials (default $DOCKER_CONFIG/config.json
                               or ~/.docker/config.json when present)
      --pull-secret FILE       a Kubernetes Secret manifest of type kubernetes.io/dockerconfigjson
                               (an imagePullSecret; repeatable)
      --severity LIST          vulnerability severities shown (critical,high,medium,low,unknown; default all)
      --ignore-unfixed         show only vulnerabilities with a released fix
      --fail-on SEVERITY       exit 1 when a vulnerability shown is at or above SEVERITY (critical,
                               high, medium, low); one of unknown severity counts too (it could be any)
      --no-fail-on-unknown     do not count vulnerabilities of unknown severity toward --fail-on
      --db FILE                vulnerability database (default $PALISADE_DB or ~/.cache/palisade/vuln.db)
      --db-max-age DAYS        warn when the vulnerability data was last updated more than DAYS days
                               ago (default $PALISADE_DB_MAX_AGE_DAYS, else ${DEFAULT_MAX_DATA_AGE_DAYS}; 0: never)
      --sbom-vulnerabilities   with -o cyclonedx: the vulnerabilities found, with the packages they
                               affect, ratings, sources and fixed versions
      --image-store FILE       where scans are stored by digest (default $PALISADE_IMAGE_STORE or
                               ~/.cache/palisade/images.db)
      --no-cache               pull and match again even when the store has this digest
      --no-color               plain output
  -h, --help                   this help

Exit codes: 0 scanned (no vulnerability at or above --fail-on), 1 vulnerabilities at or above
--fail-on, 2 usage error or an image that could not be read (the others are still reported).

Examples:
  palisade image nginx:1.27                          packages and vulnerabilities, by layer
  palisade image --severity high,critical --fail-on high registry.example.com/app@sha256:...
  palisade image ghcr.io/org/app:1.0 -o cyclonedx=sbom.json
`;

function defaultPlatform(): Platform {
  const architecture: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: architecture[process.arch] ?? process.arch };
}

function defaultPlatformText(): string {
  return formatPlatform(defaultPlatform());
}

/** Registry credentials from the flags, pull secrets and the Docker config, as `image` and `image verify` read them. */
export async function loadCredentials(values: { username?: string; 'password-stdin'?: boolean; 'docker-config'?: string; 'pull-secret'?: string[] }, registries: string[], io: CommandIO): Promise<CredentialEntry[]> {
  const { parseDockerConfig, parsePullSecret } = await import('../../adapters/registry/credentials.js');
  const entries: CredentialEntry[] = [];
  if (values['password-stdin'] && values.username === undefined) throw new UsageError('--password-stdin needs --username');
  if (values.username !== undefined) {
    if (!values['password-stdin']) throw new UsageError('--username needs --password-stdin (passwords are never taken as arguments)');
    const password = (await io.stdin()).toString('utf8').replace(/\r?\n$/, '');
    for (const registry of registries) entries.push({ key: registry, credential: { username: values.username, password }, source: '--username' });
  }
  for (const file of values['pull-secret'] ?? []) {
    let documents: unknown[];
    try {
      const yaml = (await import('js-yaml')).default;
      documents = yaml.loadAll(readFileSync(path.resolve(io.cwd, file), 'utf8'));
    } catch (error) {
      throw new UsageError(`--pull-secret ${file}: ${(error as Error).message}`);
    }
    for (const document of documents.flatMap((item) => ((item as { kind?: string })?.kind === 'List' ? ((item as { items?: unknown[] }).items ?? []) : [item]))) {
      try {
        entries.push(...parsePullSecret(document, file));
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
  }
  const configFile = values['docker-config'] ?? [process.env.DOCKER_CONFIG ? path.join(process.env.DOCKER_CONFIG, 'config.json') : undefined, path.join(homedir(), '.docker', 'config.json')].find((candidate) => candidate && existsSync(candidate));
  if (configFile) {
    let text: string;
    try {
      text = readFileSync(path.resolve(io.cwd, configFile), 'utf8');
    } catch (error) {
      throw new UsageError(`--docker-config ${configFile}: ${(error as Error).message}`);
    }
    try {
      entries.push(...parseDockerConfig(text, configFile));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return entries;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function openImage(location: ImageLocation, client: () => Promise<RegistryClient>, platform: Platform, io: CommandIO): Promise<OpenedImage> {
  const { openDockerArchive, openOciLayout, openRegistryImage } = await import('../../adapters/images/sources.js');
  if (location.kind === 'oci-layout') return openOciLayout(location.dir, location.tag, platform);
  if (location.kind === 'docker-archive') return openDockerArchive(location.file, platform);
  return openRegistryImage(await client(), location.reference, platform, (message) => io.progress(message));
}

export async function runImageCommand(argv: string[], io: CommandIO, findingSource?: ImageFindingSource): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o', multiple: true },
      platform: { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
      username: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'docker-config': { type: 'string' },
      'pull-secret': { type: 'string', multiple: true },
      severity: { type: 'string' },
      'ignore-unfixed': { type: 'boolean' },
      'fail-on': { type: 'string' },
      'no-fail-on-unknown': { type: 'boolean' },
      db: { type: 'string' },
      'db-max-age': { type: 'string' },
      'sbom-vulnerabilities': { type: 'boolean' },
      'image-store': { type: 'string' },
      'no-cache': { type: 'boolean' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(IMAGE_HELP);
    return 0;
  }
  const severities = parseSeverities(values.severity, '--severity');
  const failOn = values['fail-on'] !== undefined ? parseSeverities(values['fail-on'], '--fail-on') : undefined;
  if (failOn && failOn.length !== 1) throw new UsageError('--fail-on takes one severity');
  const output = chooseOutputs(imageOutputs({ sbomVulnerabilities: values['sbom-vulnerabilities'] ?? false }), values.output as string[] | undefined, io.cwd);
  if (values['sbom-vulnerabilities'] && !output.some((item) => item.name === 'cyclonedx')) throw new UsageError('--sbom-vulnerabilities adds vulnerabilities to the CycloneDX SBOM: use it with -o cyclonedx');
  if (positionals.length === 0) throw new UsageError(`no image given\n\n${IMAGE_HELP}`);
  const sbom = output.find((item) => SINGLE_IMAGE_FORMATS.includes(item.name));
  if (sbom && positionals.length > 1) throw new UsageError(`-o ${sbom.name} writes one SBOM: give one image`);
  let platform: Platform;
  try {
    platform = values.platform ? parsePlatform(values.platform) : defaultPlatform();
  } catch (error) {
    throw new UsageError(`--platform: ${(error as Error).message}`);
  }
  // --username applies to the registries of the references given (as `docker login` would to one).
  const registries = [...new Set(positionals.flatMap((argument) => {
    const parsed = parseImageReference(argument);
    return parsed.ok ? [parsed.reference.registry] : [];
  }))];
  const credentials = await loadCredentials(values, registries, io);
  // The registry client, the image sources and the layer walker load only when an image must be opened.
  let client: RegistryClient | undefined;
  const registryClient = async () => (client ??= (await import('../../adapters/registry/client.js')).createRegistryClient({ credentials, insecureRegistries: values['insecure-registry'] ?? [], userAgent: `palisade/${io.version}` }));

  const stores = await openStores(values, io);
  let lastReport = 0;
  const sources: ImageSources = { locate: (argument) => locateImage(argument, io.cwd), open: (location) => openImage(location, registryClient, platform, io) };
  const result = await scanImages(positionals, stores.context, sources, {
    ...(severities ? { severities } : {}),
    ignoreUnfixed: values['ignore-unfixed'] ?? false,
    ...(findingSource ? { findingSource } : {}),
    onEvent: (event) => {
      switch (event.type) {
        case 'stored':
          return io.progress(`${event.argument}: read from the store (scanned ${event.scannedAt})`);
        case 'layer': {
          const now = io.now().getTime();
          if (now - lastReport < 250 && event.read < event.size) return;
          lastReport = now;
          const { image, layer } = event;
          return io.progress(`${event.argument}: layer ${layer + 1}/${image.layers.length} ${image.layers[layer]!.descriptor.digest.slice(7, 19)} ${megabytes(event.read)}/${megabytes(event.size)}`);
        }
        case 'cached':
          return io.progress(`${event.argument}: ${event.image.digest.slice(0, 19)} read from the store (scanned ${event.scannedAt})`);
        case 'error':
          return io.stderr(`palisade image: ${event.argument}: ${event.message}\n`);
      }
    },
  }).finally(() => stores.close());
  const { entries: inventories, errors } = result;

  const report: ImageInventoryReport = { apiVersion: IMAGE_INVENTORY_API_VERSION, kind: 'ImageInventoryReport', generator: `palisade ${io.version}`, images: inventories, errors };
  await writeAllRendered(io, output, report);
  return exitCodeOf(imageVerdict(result, failOn?.[0], { failOnUnknown: !values['no-fail-on-unknown'] }));
}

const SEVERITY_ORDER = VULNERABILITY_SEVERITIES;

function parseSeverities(text: string | undefined, flag: string): VulnerabilitySeverity[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean);
  for (const item of list) if (!(SEVERITY_ORDER as readonly string[]).includes(item)) throw new UsageError(`${flag}: unknown severity "${item}" (one of ${SEVERITY_ORDER.join(', ')})`);
  if (list.length === 0) throw new UsageError(`${flag} needs a severity`);
  return list as VulnerabilitySeverity[];
}

/**
 * The vulnerability database (read-only) and the store of scans. Without a database the
 * images are inventoried only, said once on stderr, and nothing is stored: a scan that
 * matched nothing must not pass for a clean one.
 */
async function openStores(values: { db?: string; 'db-max-age'?: string; 'image-store'?: string; 'no-cache'?: boolean }, io: CommandIO): Promise<{ context: PipelineContext; close(): void }> {
  const context: PipelineContext = { useCache: !values['no-cache'], now: () => io.now() };
  const dbPath = values.db ?? defaultDatabasePath();
  const update = values.db !== undefined ? `palisade db update --db ${values.db}` : 'palisade db update';
  const maxAge = maxDataAgeDays(values['db-max-age']);
  if (!existsSync(dbPath)) {
    if (values.db !== undefined) throw new UsageError(`--db ${values.db}: no such vulnerability database (run: ${update})`);
    io.stderr(`palisade image: no vulnerability database at ${dbPath}: listing packages only, no vulnerabilities (run: ${update})\n`);
    return { context, close: () => undefined };
  }
  let db: SqliteVulnerabilityDatabase;
  try {
    db = openVulnerabilityDatabase(dbPath, { readonly: true });
  } catch (error) {
    if (error instanceof DatabaseError) throw new UsageError(error.message);
    throw error;
  }
  context.db = db;
  context.dbStatus = await db.freshness();
  const notice = vulnerabilityDataNotice(context.dbStatus, io.now(), maxAge, update);
  if (notice) io.stderr(`palisade image: ${notice}\n`);
  const store = ImageStore.open(values['image-store'] ?? defaultImageStorePath());
  context.store = store;
  return {
    context,
    close: () => {
      db.close();
      store.close();
    },
  };
}

export async function imageCommand(argv: string[], io: CommandIO): Promise<number> {
  // `image verify IMAGE...` checks signatures (an image named verify is docker.io/library/verify).
  if (argv[0] === 'verify') return (await import('./image-verify.js')).imageVerifyCommand(argv.slice(1), io);
  return runImageCommand(argv, io);
}
