import type { AnyCheck } from '../model/check.js';
import hostNetwork from './host-network.js';
import privilegedContainer from './privileged-container.js';
import runAsRoot from './run-as-root.js';

/** Every check, sorted by id. Presets and docs derive from this list. */
export const ALL_CHECKS: readonly AnyCheck[] = [
  hostNetwork,
  privilegedContainer,
  runAsRoot,
];
