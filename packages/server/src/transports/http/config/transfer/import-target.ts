import { configNamespaceOf, DomainError, invalidParam, SAME_CONFIG_POLICIES, type SameConfigPolicy } from '@cairn/core';
import type { AppContext } from '../../context.js';
import type { Params } from '../../params.js';
import { ImportRefusedError } from './import-answers.js';

/** `policy`: ABORT (the default, as Nacos), SKIP or OVERWRITE; anything else is a 400 naming `policy`. */
export function policyOf(p: Params): SameConfigPolicy {
  const raw = p.str('policy', 'ABORT');
  if (!(SAME_CONFIG_POLICIES as readonly string[]).includes(raw)) throw invalidParam('policy', `Param 'policy' must be one of ${SAME_CONFIG_POLICIES.join(', ')}, got '${raw.slice(0, 32)}'.`);
  return raw as SameConfigPolicy;
}

/**
 * The namespace an import (`namespace`) or clone (`tenant`) writes into: blank and `public` are the default one;
 * another must exist, as Nacos checks (its NAMESPACE_NOT_EXIST), so a mistyped id does not scatter configs.
 */
export function targetNamespaceOf(ctx: AppContext, p: Params, name: 'namespace' | 'tenant'): string {
  let namespace: string;
  try {
    namespace = configNamespaceOf(p.str(name));
  } catch (error) {
    if (error instanceof DomainError) throw invalidParam(name, `Param '${name}': ${error.message}`);
    throw error;
  }
  if (!ctx.namespaces.has(namespace)) throw new ImportRefusedError('NAMESPACE_NOT_EXIST', `namespace '${namespace}' (create it first)`);
  return namespace;
}
