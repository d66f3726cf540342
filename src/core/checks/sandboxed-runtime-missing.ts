import { defineCheck } from '../model/check.js';
import { metadataOf } from '../model/resource.js';
import { asString, asStringRecord } from '../model/values.js';

/** `key=value` matches that label value, `key` alone matches any value. */
function matchingMarker(markers: readonly string[], labels: Record<string, string>): string | undefined {
  for (const marker of markers) {
    const equals = marker.indexOf('=');
    const key = equals < 0 ? marker : marker.slice(0, equals);
    if (!Object.prototype.hasOwnProperty.call(labels, key)) continue;
    if (equals < 0 || labels[key] === marker.slice(equals + 1)) return marker;
  }
  return undefined;
}

export default defineCheck({
  id: 'sandboxed-runtime-missing',
  title: 'Sensitive workload runs without a sandboxed runtime',
  severity: 'medium',
  category: 'pod-security',
  description:
    'Workloads that handle untrusted input or sensitive data are safer in a sandboxed runtime (gVisor, Kata Containers) that puts a second kernel boundary between the container and the node. This check is off by default and applies to workloads marked sensitive by a label or annotation on the object, its pod template or its Namespace.',
  remediation: 'Set spec.runtimeClassName to a RuntimeClass whose handler is a sandboxed runtime (for example gvisor or kata), and install that runtime on the nodes.',
  references: [
    'https://kubernetes.io/docs/concepts/containers/runtime-class/',
    'https://gvisor.dev/docs/user_guide/quick_start/kubernetes/',
    'https://katacontainers.io/',
  ],
  standards: {
    nsa: ['Pod security: hardening container environments'],
    mitre: ['T1611'],
  },
  enabledByDefault: false,
  appliesTo: { workloads: true },
  reads: { kinds: ['Namespace', 'RuntimeClass'], scope: 'cluster' },
  options: {
    sensitiveLabels: {
      type: 'string[]',
      default: ['palisade.dev/sensitive=true'],
      description: 'Labels that mark a workload sensitive, as key=value or key (any value), on the object, its pod template or its Namespace.',
    },
    sensitiveAnnotations: {
      type: 'string[]',
      default: [],
      description: 'Annotations that mark a workload sensitive, as key=value or key, on the object or its pod template.',
    },
    sandboxedRuntimeClasses: {
      type: 'string[]',
      default: ['gvisor', 'runsc', 'kata', 'kata-containers', 'kata-qemu', 'kata-fc'],
      description: 'RuntimeClass names, or handlers of scanned RuntimeClass objects, that count as sandboxed.',
    },
  },
  messages: {
    noRuntimeClass: 'the workload is marked sensitive ({{marker}}) but sets no runtimeClassName, so it runs in the default runtime',
    notSandboxed: 'the workload is marked sensitive ({{marker}}) but its runtimeClassName "{{runtimeClass}}" is not a sandboxed runtime',
    handlerNotSandboxed: 'the workload is marked sensitive ({{marker}}) but its runtimeClassName "{{runtimeClass}}" (handler "{{handler}}") is not a sandboxed runtime',
  },
  *evaluate({ resource, workload, inventory, options }) {
    if (!workload) return;
    const metadata = metadataOf(resource.object);
    const namespace = resource.ref.namespace === undefined ? undefined : inventory.find('Namespace', undefined, resource.ref.namespace);
    const found = (markers: readonly string[], values: unknown, where: string) => {
      const marker = matchingMarker(markers, asStringRecord(values));
      return marker === undefined ? undefined : `${where} ${marker}`;
    };
    const marker =
      found(options.sensitiveLabels, metadata.labels, 'label') ??
      found(options.sensitiveLabels, workload.podMetadata.labels, 'pod label') ??
      (namespace ? found(options.sensitiveLabels, metadataOf(namespace.object).labels, 'Namespace label') : undefined) ??
      found(options.sensitiveAnnotations, metadata.annotations, 'annotation') ??
      found(options.sensitiveAnnotations, workload.podMetadata.annotations, 'pod annotation');
    if (marker === undefined) return;
    const runtimeClassName = asString(workload.podSpec.runtimeClassName);
    if (runtimeClassName === undefined || runtimeClassName === '') {
      yield { path: workload.podSpecPath, messageId: 'noRuntimeClass', data: { marker } };
      return;
    }
    if (options.sandboxedRuntimeClasses.includes(runtimeClassName)) return;
    // A scanned RuntimeClass may map another name to a sandboxed handler.
    const handler = asString(inventory.find('RuntimeClass', undefined, runtimeClassName)?.object.handler);
    if (handler !== undefined && options.sandboxedRuntimeClasses.includes(handler)) return;
    yield {
      path: [...workload.podSpecPath, 'runtimeClassName'],
      messageId: handler === undefined ? 'notSandboxed' : 'handlerNotSandboxed',
      data: { marker, runtimeClass: runtimeClassName, handler },
    };
  },
});
