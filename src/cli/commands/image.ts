import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import { inventoryImage } from '../../adapters/images/scan.js';
import { locateImage, openDockerArchive, openOciLayout, openRegistryImage, type OpenedImage } from '../../adapters/images/sources.js';
import { createRegistryClient, type RegistryClient } from '../../adapters/registry/client.js';
import { parseDockerConfig, parsePullSecret, type CredentialEntry } from '../../adapters/registry/credentials.js';
import { cycloneDxBom } from '../../adapters/sbom/cyclonedx.js';
import { spdxDocument } from '../../adapters/sbom/spdx.js';
import type { ImageInventory } from '../../core/images/model.js';
import { formatPlatform, parsePlatform, type Platform } from '../../core/images/oci.js';
import { parseImageReference } from '../../core/images/reference.js';
import type { CommandIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const IMAGE_INVENTORY_API_VERSION = 'palisade.dev/image-inventory/v1';
const OUTPUTS = ['table', 'json', 'yaml', 'cyclonedx', 'spdx'] as const;

export const IMAGE_HELP = `Usage: palisade image REF... [flags]

Pulls container images (streamed, never unpacked to disk) and lists what every layer
installed: the OS, its packages, and language packages (npm, Python, Go binaries, Java
archives, Ruby gems, Rust binaries built with cargo-auditable, .NET, PHP Composer), each
with the layer that introduced it. REF is a registry reference (nginx:1.27,
ghcr.io/org/app@sha256:...), an OCI layout directory (oci:DIR[:TAG]) or a
'docker save' tarball (docker-archive:FILE, or any existing file).

Flags:
  -o, --output FORMAT          ${OUTPUTS.join(', ')} (default table); cyclonedx is
                               CycloneDX 1.5 JSON, spdx is SPDX 2.3 JSON (one image only)
      --platform OS/ARCH[/V]   platform to pick from a multi-arch index (default ${defaultPlatformText()})
      --insecure-registry HOST plain HTTP for this registry host[:port] (repeatable; loopback test registries)
      --username USER          registry user for the images named (with --password-stdin)
      --password-stdin         read the password or token from stdin
      --docker-config FILE     Docker config.json with credentials (default $DOCKER_CONFIG/config.json
                               or ~/.docker/config.json when present)
      --pull-secret FILE       a Kubernetes Secret manifest of type kubernetes.io/dockerconfigjson
                               (an imagePullSecret; repeatable)
      --no-color               plain output
  -h, --help                   this help

Exit codes: 0 inventoried, 2 usage error or an image that could not be read (the others
are still reported).
`;

/**
 * The seam for vulnerability matching (built separately): the inventory in, findings out.
 * When a source is given its findings are added to each image of the JSON and YAML reports.
 */
export interface ImageFindingSource {
  findings(inventory: ImageInventory): Promise<unknown[]> | unknown[];
}

function defaultPlatform(): Platform {
  const architecture: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return { os: 'linux', architecture: architecture[process.arch] ?? process.arch };
}

function defaultPlatformText(): string {
  return formatPlatform(defaultPlatform());
}

async function loadCredentials(values: { username?: string; 'password-stdin'?: boolean; 'docker-config'?: string; 'pull-secret'?: string[] }, registries: string[], io: CommandIO): Promise<CredentialEntry[]> {
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

async function openImage(argument: string, client: RegistryClient, platform: Platform, io: CommandIO): Promise<OpenedImage> {
  const location = await locateImage(argument, io.cwd);
  if (location.kind === 'oci-layout') return openOciLayout(location.dir, location.tag, platform);
  if (location.kind === 'docker-archive') return openDockerArchive(location.file, platform);
  return openRegistryImage(client, location.reference, platform, (message) => io.progress(message));
}

function table(inventory: ImageInventory): string {
  const { image } = inventory;
  const lines = [`IMAGE     ${image.reference}`];
  const facts = [
    image.platform ? `platform ${formatPlatform(image.platform)}` : undefined,
    inventory.os ? `os ${inventory.os.prettyName ?? `${inventory.os.id} ${inventory.os.versionId ?? ''}`.trim()}` : 'os unknown',
    `created ${image.created ?? 'unknown'}`,
    `user ${image.user || 'root (unset)'}`,
    image.exposedPorts ? `ports ${image.exposedPorts.join(',')}` : undefined,
    `${image.layers.length} layers`,
  ].filter(Boolean);
  lines.push(`          ${facts.join('  ')}`);
  const counts = new Map<string, number>();
  for (const item of inventory.packages) counts.set(item.ecosystem, (counts.get(item.ecosystem) ?? 0) + 1);
  lines.push(`PACKAGES  ${inventory.packages.length}${counts.size ? ` (${[...counts].map(([ecosystem, count]) => `${ecosystem} ${count}`).join(', ')})` : ''}`, '');
  const rows = [['NAME', 'VERSION', 'ECOSYSTEM', 'LAYER', 'PATH'], ...inventory.packages.map((item) => [item.name, item.version, item.ecosystem, item.layer ? String(item.layer.index) : '-', `/${item.path}${item.ownedByOsPackage ? ` (from ${item.ownedByOsPackage})` : ''}`])];
  const widths = rows[0]!.map((_, column) => Math.min(48, Math.max(...rows.map((row) => row[column]!.length))));
  for (const row of rows) lines.push(row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd());
  for (const problem of inventory.problems) lines.push(`warning: /${problem.path}: ${problem.message}`);
  return `${lines.join('\n')}\n`;
}

export async function runImageCommand(argv: string[], io: CommandIO, findingSource?: ImageFindingSource): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o', default: 'table' },
      platform: { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
      username: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'docker-config': { type: 'string' },
      'pull-secret': { type: 'string', multiple: true },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(IMAGE_HELP);
    return 0;
  }
  const output = values.output as (typeof OUTPUTS)[number];
  if (!OUTPUTS.includes(output)) throw new UsageError(`unknown output format "${values.output}" (one of ${OUTPUTS.join(', ')})`);
  if (positionals.length === 0) throw new UsageError(`no image given\n\n${IMAGE_HELP}`);
  if ((output === 'cyclonedx' || output === 'spdx') && positionals.length > 1) throw new UsageError(`-o ${output} writes one SBOM: give one image`);
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
  const client = createRegistryClient({ credentials, insecureRegistries: values['insecure-registry'] ?? [], userAgent: `palisade/${io.version}` });

  const inventories: (ImageInventory & { findings?: unknown[] })[] = [];
  const errors: { image: string; message: string }[] = [];
  for (const argument of positionals) {
    try {
      const image = await openImage(argument, client, platform, io);
      let lastReport = 0;
      const inventory = await inventoryImage(image, {
        onProgress: (layer, read, size) => {
          const now = io.now().getTime();
          if (now - lastReport < 250 && read < size) return;
          lastReport = now;
          io.progress(`${argument}: layer ${layer + 1}/${image.layers.length} ${image.layers[layer]!.descriptor.digest.slice(7, 19)} ${megabytes(read)}/${megabytes(size)}`);
        },
      });
      inventories.push(findingSource ? { ...inventory, findings: await findingSource.findings(inventory) } : inventory);
    } catch (error) {
      errors.push({ image: argument, message: (error as Error).message });
      io.stderr(`palisade image: ${argument}: ${(error as Error).message}\n`);
    }
  }

  const report = { apiVersion: IMAGE_INVENTORY_API_VERSION, kind: 'ImageInventoryReport', generator: `palisade ${io.version}`, images: inventories, errors };
  if (output === 'json') await io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (output === 'yaml') await io.stdout(yaml.dump(report, { noRefs: true, lineWidth: -1 }));
  else if (output === 'cyclonedx' && inventories[0]) await io.stdout(cycloneDxBom(inventories[0], { version: io.version, now: io.now() }));
  else if (output === 'spdx' && inventories[0]) await io.stdout(spdxDocument(inventories[0], { version: io.version, now: io.now() }));
  else if (output === 'table') await io.stdout(inventories.map(table).join('\n'));
  return errors.length > 0 ? 2 : 0;
}

export function imageCommand(argv: string[], io: CommandIO): Promise<number> {
  return runImageCommand(argv, io);
}
