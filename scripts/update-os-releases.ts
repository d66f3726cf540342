/**
 * Regenerates src/core/images/os-releases.data.ts: the releases of the distributions that
 * container images are built on, with their end-of-life dates.
 *
 *   node dist/scripts/update-os-releases.js [--distro-info DIR] [--out FILE]
 *
 * Debian and Ubuntu come from Debian's `distro-info-data` package (/usr/share/distro-info),
 * which both projects maintain: Debian's regular end of life (`eol`) and LTS (`eol-lts`; the
 * paid ELTS is not counted), Ubuntu's standard support (`eol-server` where it differs from
 * the desktop's, else `eol`) and ESM (`eol-esm`). The other distributions publish their dates
 * only on web pages: HAND_WRITTEN below, each with the page it was read from.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OsRelease } from '../src/core/images/os-support.js';

/** Published end-of-life dates of distributions distro-info-data does not cover. */
export const HAND_WRITTEN: readonly OsRelease[] = [
  // https://alpinelinux.org/releases/ ("end of support" of the main repository)
  ...(
    [
      ['3.16', '2024-05-23'],
      ['3.17', '2024-11-22'],
      ['3.18', '2025-05-09'],
      ['3.19', '2025-11-01'],
      ['3.20', '2026-04-01'],
      ['3.21', '2026-11-01'],
      ['3.22', '2027-05-01'],
    ] as const
  ).map(([version, endOfLife]): OsRelease => ({ id: 'alpine', version, endOfLife, source: 'hand-written', url: 'https://alpinelinux.org/releases/' })),
  // https://access.redhat.com/support/policy/updates/errata (end of Maintenance Support; paid ELS not counted)
  { id: 'rhel', version: '7', endOfLife: '2024-06-30', source: 'hand-written', url: 'https://access.redhat.com/support/policy/updates/errata' },
  { id: 'rhel', version: '8', endOfLife: '2029-05-31', source: 'hand-written', url: 'https://access.redhat.com/support/policy/updates/errata' },
  { id: 'rhel', version: '9', endOfLife: '2032-05-31', source: 'hand-written', url: 'https://access.redhat.com/support/policy/updates/errata' },
  { id: 'centos', version: '7', endOfLife: '2024-06-30', source: 'hand-written', url: 'https://www.centos.org/centos-linux-eol/' },
  { id: 'centos', version: '8', endOfLife: '2021-12-31', source: 'hand-written', url: 'https://www.centos.org/centos-linux-eol/' },
  { id: 'rocky', version: '8', endOfLife: '2029-05-31', source: 'hand-written', url: 'https://wiki.rockylinux.org/rocky/version/' },
  { id: 'rocky', version: '9', endOfLife: '2032-05-31', source: 'hand-written', url: 'https://wiki.rockylinux.org/rocky/version/' },
  { id: 'almalinux', version: '8', endOfLife: '2029-03-01', source: 'hand-written', url: 'https://wiki.almalinux.org/release-notes/' },
  { id: 'almalinux', version: '9', endOfLife: '2032-05-31', source: 'hand-written', url: 'https://wiki.almalinux.org/release-notes/' },
  { id: 'amzn', version: '2018.03', endOfLife: '2023-12-31', source: 'hand-written', url: 'https://aws.amazon.com/amazon-linux-ami/faqs/' },
  { id: 'amzn', version: '2', endOfLife: '2026-06-30', source: 'hand-written', url: 'https://aws.amazon.com/linux/amazon-linux-2/faqs/' },
  { id: 'amzn', version: '2023', endOfLife: '2029-06-30', source: 'hand-written', url: 'https://docs.aws.amazon.com/linux/al2023/ug/release-cadence.html' },
];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses a distro-info-data CSV (`version,codename,series,created,release,eol,...`) by its
 * header. Rows without a version (sid, devel) or a release date (not released yet) are
 * skipped: there is nothing to judge. `id` is the os-release ID the rows are matched under.
 */
export function parseDistroInfo(text: string, id: 'debian' | 'ubuntu', file = `${id}.csv`): OsRelease[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((name) => name.trim());
  const column = (name: string) => header.indexOf(name);
  for (const required of ['version', 'series', 'release', 'eol']) {
    if (column(required) < 0) throw new Error(`${file}: the header has no "${required}" column: ${header.join(',')}`);
  }
  const lts = id === 'debian' ? 'eol-lts' : 'eol-esm';
  const releases: OsRelease[] = [];
  lines.forEach((line, index) => {
    const cells = line.split(',').map((cell) => cell.trim());
    const cell = (name: string): string | undefined => {
      const at = column(name);
      const value = at < 0 ? undefined : cells[at];
      if (!value) return undefined;
      if (name !== 'version' && name !== 'series' && !DATE.test(value)) throw new Error(`${file} line ${index + 2}: ${name} "${value}" is not a date`);
      return value;
    };
    const version = cell('version')?.replace(/ LTS$/, '');
    const released = cell('release');
    if (!version || !released) return;
    // Debian's os-release VERSION_ID is the major alone ("6", not "6.0").
    const key = id === 'debian' ? version.replace(/\.0$/, '') : version;
    const endOfLife = (id === 'ubuntu' ? cell('eol-server') : undefined) ?? cell('eol');
    const ltsEndOfLife = cell(lts);
    releases.push({
      id,
      version: key,
      codename: cell('series'),
      released,
      ...(endOfLife ? { endOfLife } : {}),
      ...(ltsEndOfLife && ltsEndOfLife !== endOfLife ? { ltsEndOfLife } : {}),
      source: 'distro-info-data',
    });
  });
  return releases;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function renderData(releases: readonly OsRelease[], asOf: string, distroInfoVersion: string): string {
  const rows = releases.map((release) => {
    const fields = Object.entries(release).map(([key, value]) => `${key}: ${quote(String(value))}`);
    return `  { ${fields.join(', ')} },`;
  });
  return [
    '// Generated by scripts/update-os-releases.ts from distro-info-data and its hand-written table: do not edit.',
    '// Run `npx tsc -p . && node dist/scripts/update-os-releases.js` to refresh.',
    "import type { OsRelease } from './os-support.js';",
    '',
    `export const RELEASE_DATA_AS_OF = '${asOf}';`,
    `export const DISTRO_INFO_DATA_VERSION = ${quote(distroInfoVersion)};`,
    '',
    'export const OS_RELEASES: readonly OsRelease[] = [',
    ...rows,
    '];',
    '',
  ].join('\n');
}

/** The installed distro-info-data version, from dpkg's status database. */
function installedVersion(): string {
  try {
    const status = readFileSync('/var/lib/dpkg/status', 'utf8');
    const stanza = status.split('\n\n').find((block) => /^Package: distro-info-data$/m.test(block));
    return /^Version: (.+)$/m.exec(stanza ?? '')?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function main(): void {
  const { values } = parseArgs({ options: { 'distro-info': { type: 'string' }, out: { type: 'string' } } });
  const dir = values['distro-info'] ?? '/usr/share/distro-info';
  const out = values.out ?? new URL('../../src/core/images/os-releases.data.ts', import.meta.url).pathname;
  const releases = [
    ...parseDistroInfo(readFileSync(join(dir, 'debian.csv'), 'utf8'), 'debian', join(dir, 'debian.csv')),
    ...parseDistroInfo(readFileSync(join(dir, 'ubuntu.csv'), 'utf8'), 'ubuntu', join(dir, 'ubuntu.csv')),
    ...HAND_WRITTEN,
  ];
  writeFileSync(out, renderData(releases, new Date().toISOString().slice(0, 10), installedVersion()));
  process.stdout.write(`wrote ${releases.length} OS releases to ${out}\n`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`update-os-releases: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
