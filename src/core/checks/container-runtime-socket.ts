import { defineCheck } from '../model/check.js';
import { DEFAULT_RUNTIME_SOCKETS, hostPathExposures, matchRuntimeSocket } from '../pod-security/host-paths.js';

export default defineCheck({
  id: 'container-runtime-socket',
  title: 'Pod can reach the container runtime socket',
  severity: 'critical',
  category: 'host-access',
  description:
    "Whoever can talk to the Docker, containerd, CRI-O or podman socket can start a privileged container with the node's root filesystem mounted: access to the socket is root on the node, and it bypasses every admission control.",
  remediation: "Remove the hostPath volume that reaches the runtime socket or its directory; build images with a rootless builder (BuildKit rootless, kaniko) and read container metadata from the Kubernetes API instead.",
  references: [
    'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
    'https://kubernetes.io/docs/tasks/administer-cluster/migrating-from-dockershim/find-out-runtime-you-use/',
  ],
  standards: {
    cis: ['5.2.12'],
    nsa: ['Pod security: pod security enforcement'],
    mitre: ['T1611', 'T1610', 'T1609'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  options: {
    socketPaths: {
      type: 'string[]',
      default: DEFAULT_RUNTIME_SOCKETS,
      description:
        'Container runtime socket paths; mounting one of them or a directory above it is reported. Files named docker.sock, containerd.sock, crio.sock, cri-dockerd.sock, dockershim.sock or podman.sock are reported wherever they are.',
    },
  },
  messages: {
    subPathSocket: 'container "{{container}}" mounts subPath "{{subPath}}" of volume "{{volume}}": the container runtime socket {{socket}}',
    subPathParent: 'container "{{container}}" mounts subPath "{{subPath}}" of volume "{{volume}}": the host path {{hostPath}}, which contains the container runtime socket {{socket}}',
    volumeSocket: 'volume "{{volume}}" mounts the container runtime socket {{socket}}',
    volumeParent: 'volume "{{volume}}" mounts the host path {{hostPath}}, which contains the container runtime socket {{socket}}',
  },
  *evaluate({ workload, options }) {
    if (!workload) return;
    for (const exposure of hostPathExposures(workload)) {
      const match = matchRuntimeSocket(exposure.hostPath, options.socketPaths);
      if (!match) continue;
      const equal = match.relation === 'equal';
      const data = { volume: exposure.volume.name, hostPath: exposure.hostPath, socket: match.socket };
      if (exposure.container !== undefined) {
        yield {
          path: exposure.path,
          messageId: equal ? 'subPathSocket' : 'subPathParent',
          data: { ...data, container: exposure.container, subPath: exposure.subPath },
          container: exposure.container,
        };
      } else {
        yield { path: exposure.path, messageId: equal ? 'volumeSocket' : 'volumeParent', data };
      }
    }
  },
});
