import { beforeAll, describe, expect, test } from "bun:test";
import { fromHex, toHex } from "@cairn/core";
import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint, buildTransaction, decodeNonce, fromMultihash, toMultihash } from "@cairn/protocol";
import { isChainError } from "../../execution/errors.ts";
import { SPACES } from "../../state/spaces.ts";
import { compileTestContract } from "../../testing/contracts.ts";
import { DEV_BALANCE, KOIN_ID, type TestChain, createTestChain } from "../../testing/harness.ts";
import { tokenAbi } from "../token-abi.ts";
import { DEFAULT_RESOURCE_LIMITS } from "../../genesis.ts";
import { MemoryChainStore } from "../../store/memory-store.ts";
import { InvalidModuleError, instrumentModule } from "./instrument.ts";
import { field, pb, readFields } from "./pb.ts";
import { compareKeys, errorData } from "./system-calls.ts";
import { vmStats } from "./vm.ts";

let demo: Uint8Array;
let tokenWasm: Uint8Array;

beforeAll(async () => {
  [demo, tokenWasm] = await Promise.all([compileTestContract("demo"), compileTestContract("token")]);
}, 120_000);

const enc = {
  key: (owner: Uint8Array) => token.BalanceOfArguments.encode({ owner }).finish(),
  set: (to: Uint8Array, value: bigint) => token.MintArguments.encode({ to, value }).finish(),
  transfer: (from: Uint8Array, to: Uint8Array, value: bigint) => token.TransferArguments.encode({ from, to, value }).finish(),
};
const u64 = (b: Uint8Array) => token.Uint64Result.decode(b).value;
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Signs and applies a transaction of `ops` from dev account `from` in a new block. */
async function send(t: TestChain, from: number, ops: protocol.Operation[], extra: { rcLimit?: bigint; keys?: Uint8Array[] } = {}) {
  const a = t.dev.accounts[from]!;
  const nonce = decodeNonce(t.chain.accountNonce(a.address)) + 1n;
  const tx = buildTransaction({ chainId: t.chain.rules.chainId, nonce, rcLimit: extra.rcLimit ?? 50_000_000n, operations: ops, payer: a.address }, a.privateKey, ...(extra.keys ?? []));
  const receipt = await t.produce([tx]);
  return receipt.transaction_receipts[0]!;
}

const call = (contract: Uint8Array, entryPoint: number, args: Uint8Array): protocol.Operation =>
  protocol.Operation.fromPartial({ call_contract: { contract_id: contract, entry_point: entryPoint, args } });
const upload = (contract: Uint8Array, bytecode: Uint8Array, extra: Partial<protocol.UploadContractOperation> = {}): protocol.Operation =>
  protocol.Operation.fromPartial({ upload_contract: { contract_id: contract, bytecode, ...extra } });

async function withDemo(): Promise<{ t: TestChain; id: Uint8Array }> {
  const t = await createTestChain();
  const id = t.dev.accounts[2]!.address;
  const r = await send(t, 2, [upload(id, demo, { abi: "{}" })]);
  expect(r.reverted).toBe(false);
  return { t, id };
}

describe("instrumentation", () => {
  test("SDK modules validate and compile; refused modules say why", () => {
    expect(() => new WebAssembly.Module(instrumentModule(demo))).not.toThrow();
    expect(() => instrumentModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toThrow(InvalidModuleError);
    expect(() => instrumentModule(utf8("not wasm at all"))).toThrow("not a WebAssembly 1.0 module");
  });
});

/** A minimal module: one `_start` with `body` (locals + code), optional memory section bytes. */
function tinyModule(body: number[], memory: number[] = [0x05, 0x03, 0x01, 0x00, 0x01]): Uint8Array {
  const code = [0x01, body.length, ...body];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x03, 0x02, 0x01, 0x00,
    ...memory,
    0x07, 0x0a, 0x01, 0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x00,
    0x0a, code.length, ...code,
  ]);
}

describe("module rules", () => {
  test("WebAssembly 1.0 only: sign-extension, bulk memory and saturating truncation are refused", () => {
    expect(() => instrumentModule(tinyModule([0x00, 0x0b]))).not.toThrow();
    expect(() => instrumentModule(tinyModule([0x00, 0x41, 0x00, 0xc0, 0x1a, 0x0b]))).toThrow("opcode 0xc0 is not part of WebAssembly 1.0");
    expect(() => instrumentModule(tinyModule([0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0b, 0x00, 0x0b]))).toThrow("opcode 0xfc is not part of WebAssembly 1.0");
  });

  test("memory above 512 pages and a missing _start are refused", () => {
    expect(() => instrumentModule(tinyModule([0x00, 0x0b], [0x05, 0x04, 0x01, 0x00, 0x81, 0x04]))).toThrow("memory above 512 pages");
    expect(() => instrumentModule(tinyModule([0x00, 0x0b], [0x05, 0x05, 0x01, 0x01, 0x01, 0x81, 0x04]))).toThrow("memory above 512 pages");
    const noStart = tinyModule([0x00, 0x0b]);
    noStart[noStart.indexOf(0x5f) + 1] = 0x53; // "_Start"
    expect(() => instrumentModule(noStart)).toThrow("module does not have _start function");
  });

  test("a refused module can be uploaded (as on Koinos) but every call reverts with the reason", async () => {
    const t = await createTestChain();
    const id = t.dev.accounts[2]!.address;
    await send(t, 2, [upload(id, tinyModule([0x00, 0x41, 0x00, 0xc0, 0x1a, 0x0b]))]);
    const r = await send(t, 0, [call(id, 1, new Uint8Array())]);
    expect(r.reverted).toBe(true);
    expect(r.logs.at(-1)).toBe("transaction reverted: opcode 0xc0 is not part of WebAssembly 1.0");
  });
});

describe("upload", () => {
  test("a contract with authorizes_upload_contract decides its own upgrades through authorize", async () => {
    const t = await createTestChain();
    const id = t.dev.accounts[2]!.address;
    await send(t, 2, [upload(id, demo, { authorizes_upload_contract: true })]);
    // Its authorize says no while its own id holds nothing: even the contract key cannot re-upload.
    await expect(send(t, 2, [upload(id, tokenWasm)])).rejects.toThrow("has not authorized contract upload");
    await send(t, 0, [call(id, 1, enc.set(id, 1n))]);
    // Now anyone may upgrade it.
    const r = await send(t, 1, [upload(id, tokenWasm)]);
    expect(r.reverted).toBe(false);
    expect(token.StringResult.decode(t.chain.readContract(id, KoinEntryPoint.symbol, new Uint8Array()).result).value).toBe("TEST");
  });

  test("stores bytecode, metadata (hash, flags) and ABI; needs the contract id's key", async () => {
    const t = await createTestChain();
    const id = t.dev.accounts[2]!.address;
    await send(t, 2, [upload(id, demo, { abi: '{"methods":{}}', authorizes_call_contract: true })]);
    const meta = protocol.ContractMetadataObject.decode(t.chain.state.get(SPACES.contractMetadata, id)!);
    expect(toHex(meta.hash).slice(0, 4)).toBe("1220");
    expect(meta.authorizes_call_contract).toBe(true);
    expect(meta.system).toBe(false);
    expect(t.chain.contractAbi(id)).toBe('{"methods":{}}');
    // Account 1 uploading to account 2's id is refused.
    await expect(send(t, 1, [upload(id, demo)])).rejects.toThrow("has not authorized contract upload");
  });

  test("KOIN serves a token ABI", async () => {
    const t = await createTestChain();
    const abi = JSON.parse(t.chain.contractAbi(KOIN_ID)!);
    expect(abi.methods.balance_of.entry_point).toBe(KoinEntryPoint.balance_of);
    expect(abi.methods.transfer.read_only).toBe(false);
  });
});

describe("execution", () => {
  test("storage, logs and events persist across blocks; read-only calls see them", async () => {
    const { t, id } = await withDemo();
    const key = utf8("alpha");
    const r = await send(t, 0, [call(id, 1, enc.set(key, 42n))]);
    expect(r.reverted).toBe(false);
    expect(r.logs).toEqual(["set 42"]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]!.name).toBe("demo.set");
    expect(toHex(r.events[0]!.source)).toBe(toHex(id));
    expect(r.events[0]!.impacted.map(toHex)).toEqual([toHex(key)]);
    expect(r.compute_bandwidth_used).toBeGreaterThan(10_000n);
    await t.produce([]);
    expect(u64(t.chain.readContract(id, 2, enc.key(key)).result)).toBe(42n);
    expect(u64(t.chain.readContract(id, 2, enc.key(utf8("none"))).result)).toBe(0n);
  });

  test("storage survives a restart of the chain on the same store", async () => {
    const store = new MemoryChainStore();
    const t = await createTestChain({ store });
    const id = t.dev.accounts[2]!.address;
    await send(t, 2, [upload(id, demo)]);
    await send(t, 0, [call(id, 1, enc.set(utf8("kept"), 9n))]);
    const again = await createTestChain({ store });
    expect(again.chain.head.height).toBe(2n);
    expect(u64(again.chain.readContract(id, 2, enc.key(utf8("kept"))).result)).toBe(9n);
  });

  test("get_next_object follows Koinos key order (length first, then bytes)", async () => {
    const { t, id } = await withDemo();
    // "b" sorts before "ab" (shorter keys first); entry 8 needs a first key to exist.
    expect(() => t.chain.readContract(id, 8, new Uint8Array())).toThrow("empty space");
    await send(t, 0, [call(id, 1, enc.set(utf8("ab"), 1n)), call(id, 1, enc.set(utf8("b"), 2n))]);
    expect(u64(t.chain.readContract(id, 8, new Uint8Array()).result)).toBe(3n);
    expect(compareKeys(utf8("b"), utf8("ab"))).toBeLessThan(0);
    expect(compareKeys(utf8("a"), utf8("b"))).toBeLessThan(0);
    expect(compareKeys(new Uint8Array(256), new Uint8Array(129))).toBeLessThan(0);
  });

  test("informational system calls answer as the reference: head, chain id, caller, hashes, names, tx, block, signatures", async () => {
    const t = await createTestChain();
    const probe = await compileTestContract("probe");
    const id = t.dev.accounts[2]!.address;
    await send(t, 2, [upload(id, probe)]);
    const payer = t.dev.accounts[0]!.address;
    const r = await send(t, 0, [call(id, 1, enc.set(payer, 2n))]);
    expect(r.reverted).toBe(false);
    const height = t.chain.head.height;
    expect(r.logs).toEqual([
      `head=${height} lib=0`,
      "chain_id=34",
      "caller=0/1",
      "self=true",
      "1220ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "1b20c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
      "koin=koin",
      "limits=100000000",
      "meta=34",
      "payer=true is_arg=true",
      "rc>0=true",
      "nonce=2801",
      `op=1`,
      "recover=33 address=true",
      "verify=true",
      "merkle=true",
      `block=${height} signer=25`,
    ].map((l) => (l.startsWith("1220") ? `sha256=${l}` : l.startsWith("1b20") ? `keccak=${l}` : l)));
    // Read-only: the head as it is now, no transaction.
    const read = t.chain.readContract(id, 1, enc.set(payer, 0n));
    expect(read.logs[0]).toBe(`head=${height} lib=0`);
    expect(read.logs[2]).toBe("caller=0/1");
  }, 60_000);

  test("a reused instance is indistinguishable from a fresh one (SDK caches, globals, memory)", async () => {
    const { t, id } = await withDemo();
    await send(t, 0, [call(id, 1, enc.set(utf8("one"), 1n))]);
    await send(t, 0, [call(id, 1, enc.set(utf8("two"), 2n))]);
    const before = vmStats.instantiated;
    for (let i = 0; i < 5; i++) {
      // The SDK caches get_arguments in a global: a stale cache would answer the previous key.
      expect(u64(t.chain.readContract(id, 2, enc.key(utf8("one"))).result)).toBe(1n);
      expect(u64(t.chain.readContract(id, 2, enc.key(utf8("two"))).result)).toBe(2n);
      expect(() => t.chain.readContract(id, 4, new Uint8Array())).toThrow("demo says no");
    }
    expect(vmStats.instantiated - before).toBeLessThanOrEqual(1);
  });

  test("a revert keeps the transaction with its logs and code; the node goes on", async () => {
    const { t, id } = await withDemo();
    const r = await send(t, 0, [call(id, 4, new Uint8Array())]);
    expect(r.reverted).toBe(true);
    expect(r.logs).toEqual(["about to revert", "transaction reverted: demo says no"]);
    expect(r.rc_used).toBeGreaterThan(0n);
    try {
      t.chain.readContract(id, 4, new Uint8Array());
      throw new Error("no error");
    } catch (e) {
      expect(isChainError(e) && e.chainCode).toBe(1);
      expect((e as Error).message).toBe("demo says no");
    }
  });

  test("an infinite loop runs out of rc: reverted with the whole rc limit charged; reads hit their cap", async () => {
    const { t, id } = await withDemo();
    const rcLimit = 5_000_000n;
    const r = await send(t, 0, [call(id, 3, new Uint8Array())], { rcLimit });
    expect(r.reverted).toBe(true);
    expect(r.rc_used).toBe(rcLimit);
    expect(r.logs.at(-1)).toBe("transaction reverted: insufficient rc");
    expect(() => t.chain.readContract(id, 3, new Uint8Array())).toThrow("compute bandwidth limit exceeded");
  });

  test("when the block's compute runs out first, the loop reverts with the block's whole compute used", async () => {
    const t = await createTestChain({ resourceLimits: { ...DEFAULT_RESOURCE_LIMITS, compute_bandwidth_limit: 3_000_000n } });
    const id = t.dev.accounts[2]!.address;
    await send(t, 2, [upload(id, demo)]);
    const r = await send(t, 0, [call(id, 3, new Uint8Array())], { rcLimit: 500_000_000n });
    expect(r.reverted).toBe(true);
    expect(r.compute_bandwidth_used).toBe(3_000_000n);
    expect(r.logs.at(-1)).toBe("transaction reverted: compute bandwidth limit exceeded");
  });

  test("a float instruction traps when executed; integer paths of the same module run", async () => {
    const { t, id } = await withDemo();
    expect(() => t.chain.readContract(id, 5, enc.key(utf8("xyz")))).toThrow("module exited due to trap");
    expect(u64(t.chain.readContract(id, 2, enc.key(utf8("k"))).result)).toBe(0n);
  });

  test("deep recursion traps instead of overflowing the node's stack", async () => {
    const { t, id } = await withDemo();
    expect(() => t.chain.readContract(id, 9, enc.key(utf8("xx")))).toThrow("module exited due to trap");
  });

  test("a contract moves its own KOIN through a call into the native token", async () => {
    const { t, id } = await withDemo();
    const to = t.dev.accounts[1]!.address;
    const r = await send(t, 0, [call(id, 6, enc.transfer(new Uint8Array(), to, 500n))]);
    expect(r.reverted).toBe(false);
    expect(r.events.map((e) => e.name)).toEqual(["token.transfer_event"]);
    expect(toHex(r.events[0]!.source)).toBe(toHex(KOIN_ID));
    expect(t.balance(1)).toBe(DEV_BALANCE + 500n);
  });

  test("authority: a call without the owner's signature fails; the owner's signature passes", async () => {
    const { t, id } = await withDemo();
    const owner = t.dev.accounts[3]!;
    await expect(send(t, 0, [call(id, 7, enc.key(owner.address))])).rejects.toThrow(`account '${owner.addressBase58}' authorization failed`);
    const r = await send(t, 0, [call(id, 7, enc.key(owner.address))], { keys: [owner.privateKey] });
    expect(r.reverted).toBe(false);
  });

  test("a contract's authorize override decides who may move its KOIN", async () => {
    const t = await createTestChain();
    const id = t.dev.accounts[2]!.address;
    await send(t, 2, [upload(id, demo, { authorizes_call_contract: true })]);
    const to = t.dev.accounts[1]!.address;
    // Closed: account 0 cannot move the contract's KOIN.
    await expect(send(t, 0, [call(KOIN_ID, KoinEntryPoint.transfer, enc.transfer(id, to, 7n))])).rejects.toThrow();
    // Open it (its own id as key = 1), then account 0 can.
    await send(t, 0, [call(id, 1, enc.set(id, 1n))]);
    const r = await send(t, 0, [call(KOIN_ID, KoinEntryPoint.transfer, enc.transfer(id, to, 7n))]);
    expect(r.reverted).toBe(false);
    expect(t.balance(1)).toBe(DEV_BALANCE + 7n);
  });

  test("an sdk-as token: mint by its own key, transfer, balance_of", async () => {
    const t = await createTestChain();
    const id = t.dev.accounts[3]!.address;
    await send(t, 3, [upload(id, tokenWasm, { abi: tokenAbi(["name", "symbol", "decimals", "total_supply", "balance_of", "transfer", "mint"]) })]);
    const alice = t.dev.accounts[0]!;
    const bob = t.dev.accounts[1]!.address;
    await expect(send(t, 0, [call(id, KoinEntryPoint.mint, enc.set(alice.address, 1000n))])).rejects.toThrow("authorization failed");
    await send(t, 3, [call(id, KoinEntryPoint.mint, enc.set(alice.address, 1000n))]);
    const r = await send(t, 0, [call(id, KoinEntryPoint.transfer, enc.transfer(alice.address, bob, 250n))]);
    expect(r.events.map((e) => e.name)).toEqual(["token.transfer_event"]);
    expect(u64(t.chain.readContract(id, KoinEntryPoint.balance_of, enc.key(bob)).result)).toBe(250n);
    expect(u64(t.chain.readContract(id, KoinEntryPoint.total_supply, new Uint8Array()).result)).toBe(1000n);
    expect(token.StringResult.decode(t.chain.readContract(id, KoinEntryPoint.symbol, new Uint8Array()).result).value).toBe("TEST");
  });
});

describe("verify_vrf_proof (505) and nop (0)", () => {
  // koinos-crypto's vectors (see vrf.test.ts): a proof of "sample" and its output, as a multihash.
  const publicKey = fromHex("032c8c31fc9f990c6b55e3865a184a4ce50e09481f2eaeb3e60ec1cea13a6ae645");
  const proof = fromHex(
    "031f4dbca087a1972d04a07a779b7df1caa99e0f5db2aa21f3aecc4f9e10e85d08748c9fbe6b95d17359707bfb8e8ab0c93ba0c515333adcb8b64f372c535e115ccf66ebf5abe6fadb01b5efb37c0a0ec9",
  );
  const hash = toMultihash(fromHex("612065e309e937ef46c2ef04d5886b9c6efd2991ac484ec64a9b014366fc5d81"), 0x12);
  const sample = utf8("sample");
  /** verify_vrf_proof_arguments{1 type, 2 public_key, 3 proof, 4 hash, 5 message} */
  const vrfArgs = (o: { type?: number; key?: Uint8Array; proof?: Uint8Array; hash?: Uint8Array; message?: Uint8Array } = {}) =>
    pb().uint(1, o.type ?? 0).bytes(2, o.key ?? publicKey).bytes(3, o.proof ?? proof).bytes(4, o.hash ?? hash).bytes(5, o.message ?? sample).finish();
  const boolOf = (b: Uint8Array) => field.bool(readFields(b), 1);

  async function withVrf(): Promise<{ t: TestChain; id: Uint8Array }> {
    const t = await createTestChain();
    const id = t.dev.accounts[2]!.address;
    const r = await send(t, 2, [upload(id, await compileTestContract("vrf"))]);
    expect(r.reverted).toBe(false);
    return { t, id };
  }
  const codeOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return { code: isChainError(e) ? e.chainCode : undefined, message: (e as Error).message };
    }
    throw new Error("expected an error");
  };

  test("a contract verifies Koinos's vector; another proof, message or hash answers false", async () => {
    const { t, id } = await withVrf();
    const verify = (o: Parameters<typeof vrfArgs>[0]) => boolOf(t.chain.readContract(id, 1, vrfArgs(o)).result);
    expect(verify({})).toBe(true);
    const bad = proof.slice();
    bad[40]! ^= 1;
    expect(verify({ proof: bad })).toBe(false);
    expect(verify({ proof: proof.subarray(0, 80) })).toBe(false);
    expect(verify({ message: utf8("sample2") })).toBe(false);
    expect(verify({ hash: toMultihash(new Uint8Array(32), 0x12) })).toBe(false);
    // The same digest under another code is another multihash.
    expect(verify({ hash: toMultihash(fromMultihash(hash).digest, 0x13) })).toBe(false);
    // Inside a transaction: applied, charged at least the registry's 144,067 ticks.
    const r = await send(t, 0, [call(id, 1, vrfArgs())]);
    expect(r.reverted).toBe(false);
    expect(r.compute_bandwidth_used).toBeGreaterThan(144_067n);
  });

  test("a key that does not parse reverts; a dsa other than secp256k1 fails with unknown_dsa", async () => {
    const { t, id } = await withVrf();
    expect(codeOf(() => t.chain.readContract(id, 1, vrfArgs({ key: new Uint8Array(33) })))).toEqual({ code: 1, message: "unknown error during public key deserialization" });
    expect(codeOf(() => t.chain.readContract(id, 1, vrfArgs({ type: 1 })))).toEqual({ code: -102, message: "unexpected dsa" });
    // koinos-crypto cannot read an empty multihash (a non-Koinos exception there): the call fails.
    expect(codeOf(() => t.chain.readContract(id, 1, vrfArgs({ hash: Uint8Array.of(0x12) }))).code).toBe(-1);
  });

  test("nop is not a genesis thunk: called directly it is not enabled, as an override it has no registry cost; kernel code reaches it by invoke_thunk", async () => {
    const { t, id } = await withVrf();
    expect(codeOf(() => t.chain.readContract(id, 2, new Uint8Array()))).toEqual({ code: 106, message: "thunk 0 is not enabled" });
    // invoke_thunk is kernel-only.
    expect(codeOf(() => t.chain.readContract(id, 3, new Uint8Array())).code).toBe(103);
    const system = { keys: [t.dev.producerKey] };
    const override = protocol.Operation.fromPartial({ set_system_call: { call_id: 0, target: { thunk_id: 0 } } });
    const asSystem = protocol.Operation.fromPartial({ set_system_contract: { contract_id: id, system_contract: true } });
    expect((await send(t, 0, [override], system)).reverted).toBe(false);
    expect(codeOf(() => t.chain.readContract(id, 2, new Uint8Array()))).toEqual({ code: 1, message: "unable to find compute bandwidth for nop" });
    // A kernel-mode contract receives the code (and error_data) instead of being unwound.
    expect((await send(t, 0, [asSystem], system)).reverted).toBe(false);
    const direct = t.chain.readContract(id, 2, new Uint8Array());
    expect(boolOf(direct.result)).toBe(false);
    expect(direct.logs).toEqual([`code=1 bytes=${errorData("unable to find compute bandwidth for nop").length}`]);
    const thunk = t.chain.readContract(id, 3, new Uint8Array());
    expect(boolOf(thunk.result)).toBe(true);
    expect(thunk.logs).toEqual(["code=0 bytes=0"]);
  });

  test("an override takes effect from the next block: the dispatch table is read from the parent block's state", async () => {
    const { t, id } = await withVrf();
    const tx = (from: number, ops: protocol.Operation[], ...keys: Uint8Array[]) => {
      const a = t.dev.accounts[from]!;
      const nonce = decodeNonce(t.chain.accountNonce(a.address)) + 1n;
      return buildTransaction({ chainId: t.chain.rules.chainId, nonce, rcLimit: 50_000_000n, operations: ops, payer: a.address }, a.privateKey, ...keys);
    };
    const override = protocol.Operation.fromPartial({ set_system_call: { call_id: 0, target: { thunk_id: 0 } } });
    const callNop = () => tx(1, [call(id, 2, new Uint8Array())]);
    const same = await t.produce([tx(0, [override], t.dev.producerKey), callNop()]);
    expect(same.transaction_receipts[1]!.logs.at(-1)).toBe("transaction reverted: thunk 0 is not enabled");
    const next = await t.produce([callNop()]);
    expect(next.transaction_receipts[0]!.logs.at(-1)).toBe("transaction reverted: unable to find compute bandwidth for nop");
  });
});

describe("set_system_call and set_system_contract", () => {
  test("need the system authority (101) and a target that exists: a thunk, or a system contract for any call but `call`", async () => {
    const t = await createTestChain();
    const id = t.dev.accounts[2]!.address;
    await send(t, 2, [upload(id, demo)]);
    const system = { keys: [t.dev.producerKey] };
    const setCall = (call_id: number, target: protocol.SystemCallTarget) => protocol.Operation.fromPartial({ set_system_call: { call_id, target } });
    const setSystem = (contract_id: Uint8Array) => protocol.Operation.fromPartial({ set_system_contract: { contract_id, system_contract: true } });
    const lastLog = async (ops: protocol.Operation[], extra: { keys?: Uint8Array[] } = system) => {
      const r = await send(t, 0, ops, extra);
      return { reverted: r.reverted, log: r.logs.at(-1) };
    };
    expect(await lastLog([setCall(401, { thunk_id: 401 })], {})).toEqual({ reverted: true, log: "transaction reverted: system authority required" });
    expect(await lastLog([setCall(401, { thunk_id: 9999 })])).toEqual({ reverted: true, log: "transaction reverted: thunk 9999 does not exist" });
    // get_contract_metadata has no thunk on Koinos (only an override contract).
    expect(await lastLog([setCall(401, { thunk_id: 112 })])).toEqual({ reverted: true, log: "transaction reverted: thunk 112 does not exist" });
    const bundle = { system_call_bundle: { contract_id: id, entry_point: 2 } };
    expect(await lastLog([setCall(401, bundle)])).toEqual({ reverted: true, log: "transaction reverted: contract is not a system contract" });
    expect(await lastLog([setSystem(t.dev.accounts[1]!.address)])).toEqual({ reverted: true, log: "transaction reverted: contract does not exist" });
    expect(await lastLog([setSystem(id), setCall(601, bundle)])).toEqual({ reverted: true, log: "transaction reverted: cannot override call_contract" });
    expect(await lastLog([setSystem(id), setCall(401, bundle), setCall(402, { thunk_id: 401 })])).toEqual({ reverted: false, log: undefined });
  });
});
