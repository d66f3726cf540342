import type { VapTranslation } from './translation.js';

/** `allowedHostPorts` entries ("443", "30000-32767") as a CEL test of the port `p`. */
function allowed(entries: readonly string[], p: string): string {
  const tests: string[] = [];
  for (const entry of entries) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(entry);
    if (!match) continue;
    tests.push(match[2] === undefined ? `${p} == ${Number(match[1])}` : `(${p} >= ${Number(match[1])} && ${p} <= ${Number(match[2])})`);
  }
  return tests.length === 0 ? 'false' : tests.join(' || ');
}

export default {
  id: 'host-port',
  matches: 'workloads',
  validations: (options) => {
    const entries = (options.allowedHostPorts as readonly string[] | undefined) ?? [];
    // The API server defaults hostPort to containerPort for hostNetwork pods before admission.
    return [
      {
        expression:
          `variables.containers.all(c, c.?ports.orValue([]).all(p, p.?hostPort.orValue(0) > 0 ? (${allowed(entries, 'p.hostPort')})` +
          ` : (variables.podSpec.?hostNetwork.orValue(false) != true || p.?containerPort.orValue(0) <= 0 || ${allowed(entries, 'p.containerPort')})))`,
        message: 'a container binds a port on the node (hostPort, or containerPort with hostNetwork: true)',
      },
    ];
  },
} satisfies VapTranslation;
