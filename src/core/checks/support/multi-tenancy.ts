import { SYSTEM_NAMESPACES } from '../../kinds/namespaces.js';
import type { OptionSpec } from '../../model/check.js';

/** The `ignoreNamespaces` option the per-Namespace checks share. */
export function ignoreNamespacesOption(what: string): Extract<OptionSpec, { type: 'string[]' }> {
  return {
    type: 'string[]',
    default: SYSTEM_NAMESPACES,
    description: `Namespaces not required to have ${what} (the control plane's own namespaces by default).`,
  };
}
