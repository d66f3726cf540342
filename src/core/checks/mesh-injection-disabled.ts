import { defineCheck } from '../model/check.js';
import { istioPodMembership, isIstioProxy } from '../mesh/istio.js';
import { linkerdNamespaceMeshed, linkerdPodMembership } from '../mesh/linkerd.js';
import { istioModeOf } from '../mesh/analyses.js';
import { hasControllerOwner } from './support/ownership.js';

export default defineCheck({
  id: 'mesh-injection-disabled',
  title: 'Workload opted out of the service mesh its namespace requires',
  severity: 'medium',
  category: 'network',
  description:
    'A namespace labelled for a service mesh puts every pod behind a proxy that encrypts and authenticates its traffic with mutual TLS. A pod template that opts out talks plaintext to its peers and cannot present a workload identity; under STRICT mutual TLS its calls fail, so the usual next step is to weaken the namespace\'s policy for it. Reported for Istio when the namespace is labelled istio-injection=enabled or istio.io/rev (and not istio-injection=disabled) and the pod\'s sidecar.istio.io/inject label, or the annotation of that name when there is no label, has a value other than y, yes, true or on (what the injector reads as an opt-out); when the namespace is labelled istio.io/dataplane-mode=ambient and the pod istio.io/dataplane-mode=none; for Linkerd when the namespace is annotated linkerd.io/inject: enabled (or ingress) and the pod linkerd.io/inject: disabled. Only scanned Namespace objects say that a namespace requires a mesh: without one nothing is reported, nor where no mesh is in use. hostNetwork pods (never injected) and Istio\'s own proxies are left out. Jobs and CronJobs are reported too: with native sidecars (Kubernetes 1.29+, Istio 1.19+, Linkerd 2.15+) the proxy no longer keeps a Job running.',
  remediation:
    'Remove the opt-out so the pod is injected (or captured by ztunnel in ambient mode); if the workload cannot run behind a proxy, move it to a namespace outside the mesh and give its callers an explicit, reviewed exception.',
  references: [
    'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy',
    'https://istio.io/latest/docs/ambient/usage/add-workloads/',
    'https://linkerd.io/2-edge/features/proxy-injection/',
  ],
  standards: {
    nsa: ['Network separation: network policies', 'Authentication and authorization'],
    mitre: ['T1040'],
  },
  enabledByDefault: true,
  appliesTo: { workloads: true },
  reads: { kinds: ['Namespace'], scope: 'namespace' },
  options: {},
  messages: {
    istio: '{{kind}} "{{name}}" opts out of the Istio {{plane}} its namespace "{{namespace}}" requires ({{field}} {{key}}: "{{value}}"): its traffic skips mutual TLS',
    linkerd: '{{kind}} "{{name}}" opts out of the Linkerd proxy its namespace "{{namespace}}" injects ({{key}}: {{value}}): its traffic skips mutual TLS',
  },
  *evaluate({ resource, workload, inventory }) {
    if (!workload || workload.kind === 'PodTemplate' || hasControllerOwner(resource.object) || isIstioProxy(workload)) return;
    const namespace = resource.ref.namespace ?? 'default';
    const namespaceObject = inventory.find('Namespace', undefined, namespace);
    if (!namespaceObject) return;
    const data = { kind: resource.ref.kind, name: resource.ref.name, namespace };
    const istio = istioPodMembership(workload, istioModeOf(inventory, namespace));
    if (istio.optOut) {
      const { field, key, value, namespaceMode } = istio.optOut;
      const path = [...workload.podMetadataPath, field === 'label' ? 'labels' : 'annotations', key];
      yield { path, messageId: 'istio', data: { ...data, plane: namespaceMode === 'sidecar' ? 'sidecar' : 'ambient data plane', field, key, value } };
    }
    const linkerd = linkerdPodMembership(workload, linkerdNamespaceMeshed(namespaceObject.object));
    if (linkerd.optOut) {
      yield { path: [...workload.podMetadataPath, 'annotations', linkerd.optOut.key], messageId: 'linkerd', data: { ...data, key: linkerd.optOut.key, value: linkerd.optOut.value } };
    }
  },
});
