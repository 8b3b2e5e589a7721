/**
 * The system calls a WASM contract reaches through `invoke_system_call` (docs/koinos-vm.md §4):
 * arguments are the protobuf `<name>_arguments`, results the canonical `<name>_result`. Each
 * thunk is charged its registry cost plus one tick per argument byte before it runs. A system
 * call overridden in the `system_call_dispatch` space runs the target contract (or thunk) instead.
 */
import { bytesEqual, compareBytes, toHex } from "@cairn/core";
import { protocol } from "@cairn/proto";
import { SystemCallId, decodeNonce, fromMultihash, merkleRoot, recoverPublicKey, ripemd160, sha256, toMultihash, varint } from "@cairn/protocol";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { AuthorizationType, type BlockInfo, type Contracts, type ExecutionContext, type Frame } from "../../execution/context.ts";
import type { StateReader } from "../../state/state.ts";
import { ChainError } from "../../execution/errors.ts";
import { readNonce } from "../../execution/transaction.ts";
import { resourceLimits } from "../../execution/rules.ts";
import { SPACES } from "../../state/spaces.ts";
import { getObject, putObject, removeObject } from "../objects.ts";
import { PER_BYTE, REGISTRY } from "./costs.ts";
import { type Fields, field, pb, readFields } from "./pb.ts";
import { parseCompressed, verifyVrf } from "./vrf.ts";

/** What a system call sees: the execution, the calling contract's frame and the runtime. */
export interface Host {
  ctx: ExecutionContext;
  contracts: Contracts;
  frame: Frame;
}

/** Thrown by `exit`: unwinds the VM with the contract's result. */
export class ExitSignal {
  constructor(
    readonly code: number,
    readonly result: Uint8Array,
    readonly message: string,
  ) {}
}

type Thunk = (h: Host, a: Fields, raw: Uint8Array) => Uint8Array;

/** `nop` (id 0): a thunk added after genesis, so reachable only as an override target or through invoke_thunk. */
const NOP = 0;
const NON_GENESIS = new Set([NOP]);

const KERNEL = protocol.Privilege.kernel_mode;
const EMPTY = new Uint8Array();
const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(b: Uint8Array, what: string): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new ChainError("reversion", `${what} contains invalid utf-8`);
  }
}

function requireKernel(h: Host, name: string): void {
  if (h.frame.privilege !== KERNEL) throw new ChainError("insufficient_privileges", `${name} requires kernel mode`);
}

/** `{1: value}` results. */
const wrapU64 = (v: bigint) => pb().uint(1, v).finish();
const wrapBool = (v: boolean) => pb().uint(1, v).finish();
const wrapBytes = (v: Uint8Array) => pb().bytes(1, v).finish();
const wrapMessage = (v: Uint8Array) => pb().message(1, v).finish();

function space(a: Fields): protocol.ObjectSpace {
  const s = field.msg(a, 1) ?? new Map();
  return protocol.ObjectSpace.fromPartial({ system: field.bool(s, 1), zone: field.bytes(s, 2), id: field.u32(s, 3) });
}

/** Storage permission (§6.2): kernel frames use system spaces; user frames their own zone. */
function checkSpace(h: Host, s: protocol.ObjectSpace): void {
  if (h.frame.privilege === KERNEL) {
    if (!s.system) throw new ChainError("reversion", "kernel code may only access system spaces");
    return;
  }
  if (s.system) throw new ChainError("insufficient_privileges", "privileged object space access from user mode");
  if (!bytesEqual(s.zone, h.frame.contractId)) throw new ChainError("reversion", "contract may only access its own object spaces");
}


/** Koinos key order within a space (§6.3): varint(key length) then the key bytes. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const c = compareBytes(varint(a.length), varint(b.length));
  return c !== 0 ? c : compareBytes(a, b);
}

function databaseObject(value: Uint8Array, key?: Uint8Array): Uint8Array {
  const o = pb().uint(1, true).bytes(2, value);
  if (key) o.bytes(3, key);
  return wrapMessage(o.finish());
}

function neighbour(h: Host, a: Fields, next: boolean, name: string): Uint8Array {
  const s = space(a);
  checkSpace(h, s);
  const key = field.bytes(a, 2);
  let best: { key: Uint8Array; value: Uint8Array } | undefined;
  for (const e of h.ctx.state.entries(s)) {
    const c = compareKeys(e.key, key);
    if (next ? c <= 0 : c >= 0) continue;
    if (!best || (next ? compareKeys(e.key, best.key) < 0 : compareKeys(e.key, best.key) > 0)) best = e;
  }
  if (!best) return EMPTY;
  h.ctx.meter.compute(PER_BYTE * best.value.length);
  void name;
  return databaseObject(best.value, best.key);
}

const HASHES: Record<string, { name: string; fn: (b: Uint8Array) => Uint8Array }> = {
  "17": { name: "sha1", fn: sha1 },
  "18": { name: "sha2_256", fn: sha256 },
  "19": { name: "sha2_512", fn: sha512 },
  "27": { name: "keccak_256", fn: keccak_256 },
  "4179": { name: "ripemd_160", fn: ripemd160 },
};

/** Recovers a public key from a 65-byte signature over a multihash digest (§4.1 id 502). */
function recover(a: { type: number; signature: Uint8Array; digest: Uint8Array; compressed: boolean }): Uint8Array {
  if (a.type !== 0) throw new ChainError("unknown_dsa", "unknown dsa");
  if (a.signature.length !== 65) throw new ChainError("invalid_signature", "unexpected signature length");
  let digest: Uint8Array;
  try {
    digest = fromMultihash(a.digest).digest;
  } catch {
    throw new ChainError("reversion", "digest is not a multihash");
  }
  if (digest.length !== 32) throw new ChainError("reversion", "digest must be 32 bytes");
  let key: Uint8Array;
  try {
    key = recoverPublicKey(digest, a.signature);
  } catch (e) {
    throw new ChainError("invalid_signature", (e as Error).message);
  }
  return a.compressed ? key : secp256k1.Point.fromBytes(key).toBytes(false);
}

/** value_type of a field of a transaction or block, by dotted path (§4.3, scalar and bytes fields). */
function fieldValue(root: Record<string, unknown> | undefined, path: string, what: string): Uint8Array {
  if (!root) throw new ChainError("internal_error", `no ${what} in this context`);
  let v: unknown = root;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object" || !(part in (v as object))) throw new ChainError("field_not_found", `field '${path}' not found`);
    v = (v as Record<string, unknown>)[part];
  }
  if (v instanceof Uint8Array) return protocol.ValueType.encode({ bytes_value: v }).finish();
  if (typeof v === "bigint") return protocol.ValueType.encode({ uint64_value: v }).finish();
  if (typeof v === "number") return protocol.ValueType.encode({ uint32_value: v }).finish();
  if (typeof v === "boolean") return protocol.ValueType.encode({ bool_value: v }).finish();
  if (typeof v === "string") return protocol.ValueType.encode({ string_value: v }).finish();
  throw new ChainError("field_not_found", `field '${path}' is not a scalar field`);
}

/**
 * A multihash as koinos-crypto reads one: varint code, varint size, then `size` digest bytes (a
 * short digest is padded with zeros, extra bytes are ignored). A truncated varint is a non-Koinos
 * exception there, which fails the transaction.
 */
function readKoinosMultihash(b: Uint8Array): { code: bigint; digest: Uint8Array } {
  let pos = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (pos >= b.length) throw new ChainError("failure", "error reading from stream");
      const x = b[pos++]!;
      v |= BigInt(x & 0x7f) << shift;
      if ((x & 0x80) === 0) return v;
    }
  };
  const code = varint();
  const size = varint();
  if (size > 64n) return { code, digest: b.subarray(pos) };
  const digest = new Uint8Array(Number(size));
  digest.set(b.subarray(pos, pos + digest.length));
  return { code, digest };
}

/** koinos-crypto reads the first 33 bytes as a compressed key; anything else is a crypto error (reversion). */
function vrfPublicKey(bytes: Uint8Array): Uint8Array {
  const key = bytes.subarray(0, 33);
  if (!parseCompressed(key)) throw new ChainError("reversion", "unknown error during public key deserialization");
  return key;
}

function headInfo(h: Host): Uint8Array {
  const b = h.ctx.block;
  const head = b.head ?? { id: EMPTY, height: b.height, previous: EMPTY, time: b.timestamp };
  const lib = head.height > 60n ? head.height - 60n : 0n;
  const topology = pb().bytes(1, head.id).uint(2, head.height).bytes(3, head.previous).finish();
  return wrapMessage(pb().message(1, topology).uint(2, head.time).uint(3, lib).finish());
}

function contractByName(h: Host, name: string): Uint8Array | undefined {
  return h.ctx.state.get(SPACES.contractName, new TextEncoder().encode(name));
}

/** Calls a contract from native code on behalf of the calling contract (overrides, KOIN rc). */
function callAs(h: Host, contractId: Uint8Array, entryPoint: number, args: Uint8Array): Uint8Array {
  return h.contracts.call(h.ctx, { contractId, entryPoint, args, caller: h.frame.contractId, callerPrivilege: h.frame.privilege });
}

export const THUNKS: Partial<Record<number, Thunk>> = {
  [SystemCallId.get_head_info]: (h) => headInfo(h),
  [SystemCallId.get_chain_id]: (h) => wrapBytes(h.ctx.opts.chainId ?? EMPTY),
  [SystemCallId.get_transaction]: (h) => {
    const tx = h.ctx.opts.transaction;
    if (!tx) throw new ChainError("internal_error", "no transaction in this context");
    return wrapMessage(protocol.Transaction.encode(tx).finish());
  },
  [SystemCallId.get_transaction_field]: (h, a) => wrapMessage(fieldValue(h.ctx.opts.transaction as unknown as Record<string, unknown>, field.string(a, 1), "transaction")),
  [SystemCallId.get_block]: (h) => {
    const block = h.ctx.block.block;
    if (!block) throw new ChainError("internal_error", "no block in this context");
    return wrapMessage(protocol.Block.encode(block).finish());
  },
  [SystemCallId.get_block_field]: (h, a) => wrapMessage(fieldValue(h.ctx.block.block as unknown as Record<string, unknown>, field.string(a, 1), "block")),
  [SystemCallId.get_last_irreversible_block]: (h) => {
    const height = h.ctx.block.head?.height ?? h.ctx.block.height;
    return wrapU64(height > 60n ? height - 60n : 0n);
  },
  [SystemCallId.get_account_nonce]: (h, a) => {
    const raw = h.ctx.state.get(SPACES.transactionNonce, field.bytes(a, 1));
    return pb().message(1, raw ?? Uint8Array.of(0x28, 0x00)).finish();
  },
  [SystemCallId.verify_account_nonce]: (h, a) => {
    let nonce: bigint;
    try {
      nonce = decodeNonce(field.bytes(a, 2));
    } catch {
      throw new ChainError("invalid_nonce", "nonce is not a uint64 value");
    }
    return wrapBool(nonce === readNonce(h.ctx.state, field.bytes(a, 1)) + 1n);
  },
  [SystemCallId.set_account_nonce]: (h, a) => {
    requireKernel(h, "set_account_nonce");
    const nonce = field.bytes(a, 2);
    try {
      decodeNonce(nonce);
    } catch {
      throw new ChainError("invalid_nonce", "nonce is not a uint64 value");
    }
    putObject(h.ctx, SPACES.transactionNonce, field.bytes(a, 1), nonce);
    return EMPTY;
  },
  [SystemCallId.require_system_authority]: (h) => wrapBool(h.ctx.signedBy(h.ctx.opts.systemAuthority)),
  [SystemCallId.get_operation]: (h) => {
    if (!h.ctx.operation) throw new ChainError("operation_not_found", "no operation in this context");
    return wrapMessage(protocol.Operation.encode(h.ctx.operation).finish());
  },
  [SystemCallId.get_contract_metadata]: (h, a) => {
    const raw = h.ctx.state.get(SPACES.contractMetadata, field.bytes(a, 1));
    return raw === undefined ? EMPTY : wrapMessage(protocol.ContractMetadataObject.encode(protocol.ContractMetadataObject.decode(raw)).finish());
  },
  [SystemCallId.get_account_rc]: (h, a, raw) => {
    const koin = contractByName(h, "koin");
    if (!koin) return wrapU64(0n);
    return callAs(h, koin, 0x2d464aab, raw);
  },
  [SystemCallId.consume_account_rc]: (h, a, raw) => {
    const koin = contractByName(h, "koin");
    if (!koin) return wrapBool(true);
    return callAs(h, koin, 0x80e3f5c9, raw);
  },
  [SystemCallId.get_resource_limits]: (h) => wrapMessage(protocol.ResourceLimitData.encode(resourceLimits(h.ctx.state)).finish()),
  [SystemCallId.consume_block_resources]: () => wrapBool(true),
  [SystemCallId.put_object]: (h, a) => {
    const s = space(a);
    checkSpace(h, s);
    const value = field.bytes(a, 3);
    h.ctx.meter.compute(PER_BYTE * value.length);
    putObject(h.ctx, s, field.bytes(a, 2), value, 0);
    return EMPTY;
  },
  [SystemCallId.remove_object]: (h, a) => {
    const s = space(a);
    checkSpace(h, s);
    removeObject(h.ctx, s, field.bytes(a, 2), 0);
    return EMPTY;
  },
  [SystemCallId.get_object]: (h, a) => {
    const s = space(a);
    checkSpace(h, s);
    const v = getObject(h.ctx, s, field.bytes(a, 2), 0);
    if (v === undefined) return EMPTY;
    h.ctx.meter.compute(PER_BYTE * v.length);
    return databaseObject(v);
  },
  [SystemCallId.get_next_object]: (h, a) => neighbour(h, a, true, "get_next_object"),
  [SystemCallId.get_prev_object]: (h, a) => neighbour(h, a, false, "get_prev_object"),
  [SystemCallId.log]: (h, a) => {
    h.ctx.log(decodeUtf8(field.bytes(a, 1), "log message"), 0);
    return EMPTY;
  },
  [SystemCallId.event]: (h, a) => {
    const nameBytes = field.bytes(a, 1);
    if (nameBytes.length === 0 || nameBytes.length > 128) throw new ChainError("reversion", "event name must be 1 to 128 bytes");
    const name = decodeUtf8(nameBytes, "event name");
    const impacted = field.all(a, 3);
    h.ctx.meter.compute(REGISTRY.event_per_impacted! * impacted.length);
    // Read-only calls run events but keep none (the reference discards them).
    if (!h.ctx.readOnly) h.ctx.emitEvent(h.frame.contractId, name, field.bytes(a, 2), impacted, 0);
    return EMPTY;
  },
  [SystemCallId.hash]: (h, a) => {
    const code = field.u64(a, 1);
    const algo = HASHES[code.toString()];
    if (!algo) throw new ChainError("unknown_hash_code", `unknown hash code 0x${code.toString(16)}`);
    const obj = field.bytes(a, 2);
    h.ctx.meter.compute(REGISTRY[`${algo.name}_base`]! + PER_BYTE * obj.length);
    const digest = algo.fn(obj);
    const size = Number(field.u64(a, 3));
    if (size > digest.length) throw new ChainError("reversion", "requested hash size is larger than the digest");
    return wrapBytes(toMultihash(size > 0 ? digest.subarray(0, size) : digest, Number(code)));
  },
  [SystemCallId.recover_public_key]: (h, a) =>
    wrapBytes(recover({ type: field.u32(a, 1), signature: field.bytes(a, 2), digest: field.bytes(a, 3), compressed: field.bool(a, 4) })),
  [SystemCallId.verify_merkle_root]: (h, a) => {
    const root = field.bytes(a, 1);
    const leaves = field.all(a, 2);
    let r: { code: number; digest: Uint8Array };
    try {
      r = fromMultihash(root);
    } catch {
      throw new ChainError("unknown_hash_code", "root is not a multihash");
    }
    if (r.code !== 0x12) throw new ChainError("unknown_hash_code", `unknown hash code 0x${r.code.toString(16)}`);
    const digests = leaves.map((l) => {
      const m = fromMultihash(l);
      if (m.code !== r.code || m.digest.length !== r.digest.length) throw new ChainError("unknown_hash_code", "leaves and root must use the same hash");
      return m.digest;
    });
    h.ctx.meter.compute(REGISTRY.sha2_256_base! * Math.max(1, digests.length));
    return wrapBool(bytesEqual(merkleRoot(digests), r.digest));
  },
  [SystemCallId.verify_signature]: (h, a) => {
    h.ctx.meter.compute(REGISTRY.recover_public_key!);
    const key = recover({ type: field.u32(a, 1), signature: field.bytes(a, 3), digest: field.bytes(a, 4), compressed: field.bool(a, 5) });
    return wrapBool(bytesEqual(key, field.bytes(a, 2)));
  },
  [SystemCallId.verify_vrf_proof]: (_h, a) => {
    if (field.u32(a, 1) !== 0) throw new ChainError("unknown_dsa", "unexpected dsa");
    const publicKey = vrfPublicKey(field.bytes(a, 2));
    const expected = readKoinosMultihash(field.bytes(a, 4));
    const beta = verifyVrf(publicKey, field.bytes(a, 3), field.bytes(a, 5));
    return wrapBool(beta !== undefined && expected.code === 0x12n && bytesEqual(expected.digest, beta));
  },
  [NOP]: () => EMPTY,
  [SystemCallId.call]: (h, a) => {
    const value = callAs(h, field.bytes(a, 1), field.u32(a, 2), field.bytes(a, 3));
    return pb().bytes(1, value).finish();
  },
  [SystemCallId.exit]: (_h, a) => {
    const code = field.i32(a, 1);
    const res = field.msg(a, 2);
    if (code === 0) throw new ExitSignal(0, res ? field.bytes(res, 1) : EMPTY, "");
    const err = res ? field.msg(res, 2) : undefined;
    if (!err) throw new ExitSignal(1, EMPTY, "exit error did not contain error data");
    throw new ExitSignal(code, EMPTY, decodeUtf8(field.bytes(err, 1), "error message"));
  },
  [SystemCallId.get_arguments]: (h) => wrapMessage(pb().uint(1, h.frame.entryPoint).bytes(2, h.frame.args).finish()),
  [SystemCallId.get_contract_id]: (h) => wrapBytes(h.frame.contractId),
  [SystemCallId.get_caller]: (h) => wrapMessage(pb().bytes(1, h.frame.caller).uint(2, h.frame.callerPrivilege).finish()),
  [SystemCallId.check_authority]: (h, a) => {
    if (h.ctx.readOnly) throw new ChainError("read_only_context", "check_authority is not allowed in a read-only context");
    const ok = h.contracts.checkAuthority(h.ctx, AuthorizationType.contract_call, field.bytes(a, 2), {
      contractId: h.frame.contractId,
      entryPoint: h.frame.entryPoint,
      caller: h.frame.caller,
      data: field.bytes(a, 3),
    });
    return wrapBool(ok);
  },
  [SystemCallId.get_contract_name]: (h, a) => {
    const address = field.bytes(a, 1);
    const found = h.ctx.state.entries(SPACES.contractName).find((e) => bytesEqual(e.value, address));
    if (!found) throw new ChainError("failure", "contract address not found");
    return wrapMessage(pb().bytes(1, found.key).finish());
  },
  [SystemCallId.get_contract_address]: (h, a) => {
    const address = contractByName(h, field.string(a, 1));
    if (!address) throw new ChainError("failure", "contract name not found");
    return wrapMessage(pb().bytes(1, address).finish());
  },
};

const NAMES = new Map<number, string>([[NOP, "nop"], ...Object.entries(SystemCallId).map(([n, id]): [number, string] => [id, n === "require_system_authority" ? "check_system_authority" : n])]);

/** Framework calls (apply_*, callbacks, block signature) stay inside the node. */
const FRAMEWORK = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 101]);

type DispatchCache = Map<number, protocol.SystemCallTarget | null>;

/** Dispatch caches by parent state and block id: the same parent serves every dry run at one head. */
const byParent = new WeakMap<StateReader, Map<string, DispatchCache>>();
const byBlock = new WeakMap<BlockInfo, DispatchCache>();
const byExecution = new WeakMap<ExecutionContext, DispatchCache>();

/**
 * The cache for a block: one per (parent state, block id), so every transaction of a block — and
 * every dry run or read on the same head, whose pending block has the head's state as parent and
 * the head's id — shares it. A parent state is unchanged while a block on it has a given id.
 */
function blockCache(block: BlockInfo, parent: StateReader): DispatchCache {
  let cache = byBlock.get(block);
  if (cache) return cache;
  let perBlock = byParent.get(parent);
  if (!perBlock) byParent.set(parent, (perBlock = new Map()));
  const id = `${block.height}:${toHex(block.head?.id ?? EMPTY)}`;
  cache = perBlock.get(id);
  if (!cache) {
    if (perBlock.size >= 8) perBlock.delete(perBlock.keys().next().value!);
    perBlock.set(id, (cache = new Map()));
  }
  byBlock.set(block, cache);
  return cache;
}

/**
 * Overrides, as Koinos reads them: from the state before the block (`BlockInfo.parentState`),
 * cached for the block (a `set_system_call` takes effect from the next block). Without a parent
 * state, from the execution's own state, cached for the execution.
 */
function dispatchTarget(ctx: ExecutionContext, id: number): protocol.SystemCallTarget | null {
  const block = ctx.block;
  const parent = block.parentState;
  let cache: DispatchCache | undefined;
  if (parent) cache = blockCache(block, parent);
  else {
    cache = byExecution.get(ctx);
    if (!cache) byExecution.set(ctx, (cache = new Map()));
  }
  let t = cache.get(id);
  if (t === undefined) {
    const raw = (parent ?? ctx.state).get(SPACES.systemCallDispatch, dispatchKey(id));
    t = raw === undefined ? null : protocol.SystemCallTarget.decode(raw);
    cache.set(id, t);
  }
  return t;
}

/** The `system_call_dispatch` key of a call id: 4 bytes, big-endian. */
function dispatchKey(id: number): Uint8Array {
  return Uint8Array.of(id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
}

/** Ids Cairn answers natively that Koinos serves only through override contracts (no thunk). */
const OVERRIDE_ONLY = new Set<number>([SystemCallId.get_contract_metadata, SystemCallId.get_contract_name, SystemCallId.get_contract_address]);

/** Whether Koinos has a thunk with this id (genesis, framework or `nop`): a valid override target. */
export function thunkExists(id: number): boolean {
  return FRAMEWORK.has(id) || (THUNKS[id] !== undefined && !OVERRIDE_ONLY.has(id));
}

/**
 * Runs system call `id` for the calling contract: through an override in `system_call_dispatch`
 * when there is one, else the native thunk. `viaThunk` (invoke_thunk) skips overrides and the
 * registry charge and is kernel-only.
 */
export function systemCall(h: Host, id: number, args: Uint8Array, viaThunk: boolean): Uint8Array {
  if (viaThunk) {
    requireKernel(h, "invoke_thunk");
    h.ctx.meter.compute(PER_BYTE * args.length);
    return runThunk(h, id, args);
  }
  const t = dispatchTarget(h.ctx, id);
  if (t?.system_call_bundle) return callAs(h, t.system_call_bundle.contract_id, t.system_call_bundle.entry_point, args);
  if (t?.thunk_id !== undefined) return chargedThunk(h, t.thunk_id, args, true);
  return chargedThunk(h, id, args, false);
}

/**
 * A thunk charged under its compute registry name. Called directly, only genesis thunks are
 * enabled; an override may name any thunk, but one missing from the registry (`nop`) reverts.
 */
function chargedThunk(h: Host, id: number, args: Uint8Array, override: boolean): Uint8Array {
  if (FRAMEWORK.has(id)) throw new ChainError(h.frame.privilege === KERNEL ? "unknown_thunk" : "insufficient_privileges", `system call ${id} is not available to contracts`);
  if (!THUNKS[id]) throw new ChainError("unknown_thunk", override ? `thunk ${id} does not exist` : `thunk ${id} is not enabled`);
  if (!override && NON_GENESIS.has(id)) throw new ChainError("unknown_thunk", `thunk ${id} is not enabled`);
  const name = NAMES.get(id)!;
  const cost = REGISTRY[name];
  if (cost === undefined) throw new ChainError("reversion", `unable to find compute bandwidth for ${name}`);
  h.ctx.meter.compute(cost + PER_BYTE * args.length);
  return runThunk(h, id, args);
}

function runThunk(h: Host, id: number, args: Uint8Array): Uint8Array {
  const thunk = THUNKS[id];
  if (!thunk) throw new ChainError("unknown_thunk", `thunk ${id} is not enabled`);
  return thunk(h, readFields(args), args);
}

/** error_data{1: message}, written back to the contract for codes it receives. */
export function errorData(message: string): Uint8Array {
  return pb().bytes(1, message).finish();
}

