/**
 * Per-method allow and deny lists, with Koinos's rules (koinos-jsonrpc `translateRequest`): a rule
 * is a plain prefix of the fully qualified method (`koinos.rpc.chain.submit_block`); rules written
 * without `koinos.rpc.` get it prepended; a non-empty allow list is checked first, then the deny
 * list.
 */

/** Prefix of every fully qualified JSON-RPC method. */
export const QUALIFIED_PREFIX = "koinos.rpc.";

/** Whether a method may be called, and if not, which list stopped it. */
export type Access = "allowed" | "not_whitelisted" | "blacklisted";

/** The allow and deny lists of the options. */
export interface AccessRules {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

function qualify(rule: string): string {
  return rule.startsWith(QUALIFIED_PREFIX) ? rule : QUALIFIED_PREFIX + rule;
}

/** A checker over normalized rules; `qualifiedMethod` is `koinos.rpc.<service>.<method>`. */
export function accessChecker(rules: AccessRules): (qualifiedMethod: string) => Access {
  const allow = rules.allow.map(qualify);
  const deny = rules.deny.map(qualify);
  return (qualifiedMethod) => {
    if (allow.length > 0 && !allow.some((r) => qualifiedMethod.startsWith(r))) return "not_whitelisted";
    if (deny.some((r) => qualifiedMethod.startsWith(r))) return "blacklisted";
    return "allowed";
  };
}
