import { execFileSync } from 'node:child_process';

/**
 * deploy/admission.yaml: the admission webhook chart (deploy/chart) rendered with its default
 * values, as `helm template palisade deploy/chart -n palisade` prints it, except for the
 * certificates. The chart's self-signed bootstrap generates a new CA and serving key on every
 * render; a file checked in would publish one private key to every cluster that applies it, so
 * each generated PEM value is replaced by a placeholder saying what goes there.
 */

export const RELEASE = 'palisade';
export const NAMESPACE = 'palisade';
export const CHART = 'deploy/chart';

/** The fields the chart fills with a generated certificate or key (base64 of PEM). */
const GENERATED = /^(\s*)(caBundle|ca\.crt|tls\.crt|tls\.key): (LS0tLS1CRUdJTi[A-Za-z0-9+/]*={0,2})$/gm;

/** What each placeholder says, decoded; base64 so that the manifests stay valid for the API. */
const PLACEHOLDER_TEXT: Record<string, string> = {
  caBundle: 'PLACEHOLDER: the PEM certificate of the CA that signed the serving certificate',
  'ca.crt': 'PLACEHOLDER: the PEM certificate of the CA',
  'tls.crt': 'PLACEHOLDER: a PEM certificate',
  'tls.key': 'PLACEHOLDER: its PEM private key',
};

export function placeholder(field: string): string {
  return Buffer.from(PLACEHOLDER_TEXT[field] ?? `PLACEHOLDER: ${field}`).toString('base64');
}

const HEADER = `# The Palisade admission webhook as plain manifests: deploy/chart rendered with its default
# values (helm template ${RELEASE} ${CHART} -n ${NAMESPACE}). Generated: edit the chart, then
# npm run admission-manifests (test/chart.test.ts fails when this file is out of step).
#
# Helm generates a CA and a serving certificate on every render. Here they are placeholders
# (base64 of "PLACEHOLDER: ..."): before applying, put your own certificate and key in the
# Secret ${RELEASE}-admission-tls (DNS name ${RELEASE}-admission.${NAMESPACE}.svc) and its CA in
# both caBundle fields, or install with Helm or cert-manager instead (README, "Installing the
# webhook"). The Secret ${RELEASE}-admission-ca is where Helm keeps its CA across upgrades;
# kubectl users may drop it. Create the namespace first: kubectl create namespace ${NAMESPACE}
`;

/** Replaces every generated certificate and key of a render with its placeholder. */
export function withPlaceholders(rendered: string): string {
  return rendered.replace(GENERATED, (_match, indent: string, field: string) => `${indent}${field}: ${placeholder(field)}`);
}

/** The fields a render holds generated material in (to check that nothing was left behind). */
export function generatedFields(rendered: string): string[] {
  return [...rendered.matchAll(GENERATED)].map((match) => match[2]!);
}

/** `helm template` of the chart with default values, from the repository root. */
export function helmTemplate(helm: string, root: string, args: string[] = []): string {
  return execFileSync(helm, ['template', RELEASE, CHART, '--namespace', NAMESPACE, ...args], { cwd: root, encoding: 'utf8' });
}

/** The content of deploy/admission.yaml. */
export function admissionManifests(helm: string, root: string): string {
  return HEADER + withPlaceholders(helmTemplate(helm, root));
}
