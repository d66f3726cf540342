import { answerRbac, exitCodeOf, loadText, scanResources } from 'palisade';
import { parseRequest } from 'palisade/rbac';

/** Reviews manifests held in memory: the findings, who can read Secrets in `shop`, and the exit code `palisade scan --fail-on high` would give. */
export function review(yaml: string, now: Date): { findings: string[]; secretReaders: string[]; exitCode: number } {
  const input = loadText(yaml, 'inline.yaml');
  const { report, verdict } = scanResources(input, { planRequest: { now }, version: 'embedded', failOn: 'high' });
  const findings = report.findings.map((finding) => `${finding.severity} ${finding.checkId} ${finding.object.kind}/${finding.object.name}`);

  const request = parseRequest({ verb: 'get', resource: 'secrets', namespace: 'shop' });
  if (typeof request === 'string') throw new Error(request);
  const secretReaders = answerRbac(input, { kind: 'who-can', request, anyNamespace: false }).view.subjects;
  return { findings, secretReaders, exitCode: exitCodeOf(verdict) };
}
