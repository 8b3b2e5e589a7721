/**
 * The ABI of a Koinos token contract (KOIN's interface: koinos.contracts.token messages, snake_case
 * method names, Koinos entry points), in the JSON form koilib's `Contract` reads from
 * `contract_meta_store.get_contract_meta`: `methods` plus `koilib_types` (a protobufjs namespace,
 * addresses marked `(koinos.btype) = ADDRESS` so koilib shows them as base58).
 */
import { KoinEntryPoint } from "@cairn/protocol";

type FieldType = "string" | "uint32" | "uint64" | "int32" | "bool" | "address" | `message:${string}` | `repeated:${string}`;

function fields(spec: Record<string, FieldType>): { fields: Record<string, unknown> } {
  const out: Record<string, unknown> = {};
  Object.entries(spec).forEach(([name, type], i) => {
    const id = i + 1;
    if (type === "address") out[name] = { type: "bytes", id, options: { "(koinos.btype)": "ADDRESS" } };
    else if (type === "uint64") out[name] = { type: "uint64", id, options: { jstype: "JS_STRING" } };
    else if (type.startsWith("message:")) out[name] = { type: type.slice(8), id };
    else if (type.startsWith("repeated:")) out[name] = { rule: "repeated", type: type.slice(9), id };
    else out[name] = { type, id };
  });
  return { fields: out };
}

const MESSAGES: Record<string, Record<string, FieldType>> = {
  name_arguments: {},
  name_result: { value: "string" },
  symbol_arguments: {},
  symbol_result: { value: "string" },
  decimals_arguments: {},
  decimals_result: { value: "uint32" },
  get_info_arguments: {},
  get_info_result: { name: "string", symbol: "string", decimals: "uint32", description: "string" },
  total_supply_arguments: {},
  total_supply_result: { value: "uint64" },
  balance_of_arguments: { owner: "address" },
  balance_of_result: { value: "uint64" },
  allowance_arguments: { owner: "address", spender: "address" },
  allowance_result: { value: "uint64" },
  get_allowances_arguments: { owner: "address", start: "address", limit: "int32", descending: "bool" },
  spender_value: { spender: "address", value: "uint64" },
  get_allowances_result: { owner: "address", allowances: "repeated:spender_value" },
  approve_arguments: { owner: "address", spender: "address", value: "uint64" },
  approve_result: {},
  transfer_arguments: { from: "address", to: "address", value: "uint64" },
  transfer_result: {},
  mint_arguments: { to: "address", value: "uint64" },
  mint_result: {},
  burn_arguments: { from: "address", value: "uint64" },
  burn_result: {},
  transfer_event: { from: "address", to: "address", value: "uint64" },
  mint_event: { to: "address", value: "uint64" },
  burn_event: { from: "address", value: "uint64" },
  approve_event: { owner: "address", spender: "address", value: "uint64" },
};

const READ_ONLY = new Set(["name", "symbol", "decimals", "get_info", "total_supply", "balance_of", "allowance", "get_allowances"]);

/** Methods of the token interface; `only` restricts it (e.g. a token without allowances). */
export function tokenAbi(only?: readonly (keyof typeof KoinEntryPoint)[]): string {
  const names = (only ?? ["name", "symbol", "decimals", "get_info", "total_supply", "balance_of", "allowance", "get_allowances", "approve", "transfer", "mint", "burn"]).filter(
    (n) => n !== "authorize" && n !== "get_account_rc" && n !== "consume_account_rc",
  );
  const methods: Record<string, unknown> = {};
  for (const n of names) {
    methods[n] = {
      argument: `koinos.contracts.token.${n}_arguments`,
      return: `koinos.contracts.token.${n}_result`,
      entry_point: KoinEntryPoint[n],
      read_only: READ_ONLY.has(n),
    };
  }
  const nested: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(MESSAGES)) nested[name] = fields(spec);
  const koilib_types = { nested: { koinos: { nested: { contracts: { nested: { token: { nested } } } } } } };
  return JSON.stringify({ methods, koilib_types, events: { "token.transfer_event": { argument: "koinos.contracts.token.transfer_event" }, "token.mint_event": { argument: "koinos.contracts.token.mint_event" }, "token.burn_event": { argument: "koinos.contracts.token.burn_event" }, "token.approve_event": { argument: "koinos.contracts.token.approve_event" } } });
}
