/** Every ChainService and ContractMetaStoreService RPC through a real gRPC server. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { silentLogger, toHex, utf8 } from "@cairn/core";
import { chain as chainPb, contract_meta_store, descriptorSetBytes, protocol, token } from "@cairn/proto";
import { KoinEntryPoint, SystemCallId, addressFromPrivateKey, buildTransaction, decodeNonce, privateKeyFromSeed, toKoinosJson as koinosJson } from "@cairn/protocol";
import { type ServiceClient, createGrpcClient, createGrpcServer, koinosErrorData } from "@cairn/rpc";
import { createChainService, createContractMetaStoreService } from "./service.ts";
import { DEV_BALANCE, KOIN_ID, type TestChain, createTestChain, transferOp } from "./testing/harness.ts";

let t: TestChain;
let server: ReturnType<typeof createGrpcServer>;
let client: ServiceClient<typeof chainPb.ChainServiceDefinition>;
let meta: ServiceClient<typeof contract_meta_store.ContractMetaStoreServiceDefinition>;

beforeAll(async () => {
  t = await createTestChain();
  server = createGrpcServer({ host: "127.0.0.1", port: 0, descriptorSet: descriptorSetBytes() }, { logger: silentLogger() });
  server.addService(chainPb.ChainServiceDefinition, createChainService(t.chain));
  server.addService(contract_meta_store.ContractMetaStoreServiceDefinition, createContractMetaStoreService(t.chain));
  const port = await server.start();
  client = createGrpcClient(chainPb.ChainServiceDefinition, `127.0.0.1:${port}`);
  meta = createGrpcClient(contract_meta_store.ContractMetaStoreServiceDefinition, `127.0.0.1:${port}`);
});
afterAll(async () => {
  client.close();
  meta.close();
  await server.stop({ graceMs: 100 });
});

describe("ChainService over gRPC", () => {
  test("get_chain_id, get_head_info before block 1, get_resource_limits", async () => {
    expect(toHex((await client.getChainId({})).chain_id)).toBe(toHex(t.chain.rules.chainId));
    const head = await client.getHeadInfo({});
    expect(head.head_topology?.height).toBe(0n);
    expect(koinosJson("cairn.chain.v1.GetHeadInfoResponse", head)).toEqual({
      head_topology: { id: "0x1220" + "0".repeat(64) },
      head_state_merkle_root: expect.any(String),
    });
    const limits = await client.getResourceLimits({});
    expect(limits.resource_limit_data?.compute_bandwidth_limit).toBe(100_000_000n);
  });

  test("submit_transaction (dry run and broadcast), submit_block, head moves", async () => {
    const tx = t.transfer(0, 1, 250n, 1n);
    const dry = await client.submitTransaction({ transaction: tx, broadcast: false });
    expect(dry.receipt?.events[0]?.name).toBe("token.transfer_event");
    await client.submitTransaction({ transaction: tx, broadcast: true });
    const r = await client.submitBlock({ block: t.block([tx]) });
    expect(r.receipt?.height).toBe(1n);
    const head = await client.getHeadInfo({});
    expect(head.head_topology?.height).toBe(1n);
    expect(head.head_block_time).toBe(t.chain.head.timestamp);
    expect(toHex(head.head_state_merkle_root)).toBe(toHex(r.receipt!.state_merkle_root));
  });

  test("get_account_nonce, get_account_rc", async () => {
    const a = t.dev.accounts[0]!.address;
    expect(decodeNonce((await client.getAccountNonce({ account: a })).nonce)).toBe(1n);
    const fresh = addressFromPrivateKey(privateKeyFromSeed("nobody"));
    expect((await client.getAccountNonce({ account: fresh })).nonce).toEqual(new Uint8Array([0x28, 0]));
    expect((await client.getAccountRc({ account: t.dev.accounts[2]!.address })).rc).toBe(DEV_BALANCE);
    expect(koinosJson("cairn.chain.v1.GetAccountRcResponse", await client.getAccountRc({ account: fresh }))).toEqual({});
  });

  test("read_contract: balance_of, unknown entry point, missing contract", async () => {
    const res = await client.readContract({ contract_id: KOIN_ID, entry_point: KoinEntryPoint.balance_of, args: token.BalanceOfArguments.encode({ owner: t.dev.accounts[1]!.address }).finish() });
    expect(token.Uint64Result.decode(res.result).value).toBe(DEV_BALANCE + 250n);
    const bad = await client.readContract({ contract_id: KOIN_ID, entry_point: 1, args: new Uint8Array() }).catch((e) => e);
    expect(bad.chainCode).toBe(1);
    expect(bad.message).toBe("unknown entry point 0x1");
    const none = await client.readContract({ contract_id: addressFromPrivateKey(privateKeyFromSeed("nobody")), entry_point: 1, args: new Uint8Array() }).catch((e) => e);
    expect(none.chainCode).toBe(102);
    expect(none.message).toContain("does not exist");
  });

  test("a reverted submit reaches the client with Koinos error data", async () => {
    const e = await client.submitTransaction({ transaction: t.transfer(0, 0, 1n, 2n), broadcast: true }).catch((x) => x);
    expect(e.message).toBe("cannot transfer to yourself");
    expect(koinosErrorData(e)).toBe('{"code":1,"logs":["transaction reverted: cannot transfer to yourself"]}');
    const n = await client.submitTransaction({ transaction: t.transfer(0, 1, 1n, 9n), broadcast: false }).catch((x) => x);
    expect(JSON.parse(koinosErrorData(n)!).code).toBe(-201);
  });

  test("invoke_system_call by name and by id", async () => {
    const byName = await client.invokeSystemCall({ name: "get_head_info", args: new Uint8Array() });
    expect(protocol.GetHeadInfoResult.decode(byName.value).value?.head_topology?.height).toBe(1n);
    const byId = await client.invokeSystemCall({ id: BigInt(SystemCallId.get_chain_id), args: new Uint8Array() });
    expect(toHex(protocol.GetChainIdResult.decode(byId.value).value)).toBe(toHex(t.chain.rules.chainId));
    const rc = await client.invokeSystemCall({ name: "get_account_rc", args: protocol.GetAccountRcArguments.encode({ account: t.dev.accounts[3]!.address }).finish() });
    expect(protocol.GetAccountRcResult.decode(rc.value).value).toBe(DEV_BALANCE);
    const koin = await client.invokeSystemCall({ name: "get_contract_address", args: protocol.GetContractAddressArguments.encode({ name: "koin" }).finish() });
    expect(toHex(protocol.GetContractAddressResult.decode(koin.value).value!.address)).toBe(toHex(KOIN_ID));
    const unknown = await client.invokeSystemCall({ name: "get_contract_address", args: protocol.GetContractAddressArguments.encode({ name: "nope" }).finish() });
    expect(unknown.value.length).toBe(0);
    const md = await client.invokeSystemCall({ name: "get_contract_metadata", args: protocol.GetContractMetadataArguments.encode({ contract_id: KOIN_ID }).finish() });
    expect(protocol.GetContractMetadataResult.decode(md.value).value?.system).toBe(true);
    const nonce = await client.invokeSystemCall({ name: "get_account_nonce", args: protocol.GetAccountNonceArguments.encode({ account: t.dev.accounts[0]!.address }).finish() });
    expect(decodeNonce(protocol.GetAccountNonceResult.decode(nonce.value).value)).toBe(1n);
    const limits = await client.invokeSystemCall({ name: "get_resource_limits", args: new Uint8Array() });
    expect(protocol.GetResourceLimitsResult.decode(limits.value).value?.network_bandwidth_cost).toBe(5n);
    const name = await client.invokeSystemCall({ name: "get_contract_name", args: protocol.GetContractNameArguments.encode({ address: KOIN_ID }).finish() });
    expect(protocol.GetContractNameResult.decode(name.value).value).toBe("koin");
    const badName = await client.invokeSystemCall({ name: "no_such_call", args: new Uint8Array() }).catch((e) => e);
    expect(badName.message).toBe("unknown system call name");
    expect(badName.chainCode).toBe(-103);
    const notHere = await client.invokeSystemCall({ name: "put_object", args: new Uint8Array() }).catch((e) => e);
    expect(notHere.message).toContain("cannot be invoked");
  });

  test("get_fork_heads and propose_block", async () => {
    const f = await client.getForkHeads({});
    expect(f.fork_heads.map((h) => h.height)).toEqual([1n]);
    expect(f.last_irreversible_block?.height ?? 0n).toBe(0n);
    const proposed = await client.proposeBlock({ block: t.block([t.transfer(1, 2, 1n, 1n)]) });
    expect(proposed.failed_transaction_indices).toEqual([]);
    expect(proposed.receipt?.transaction_receipts).toHaveLength(1);
    // A valid proposed block is committed, as on Koinos.
    expect(t.chain.head.height).toBe(2n);
  });

  test("upload_contract stores the ABI (contract_meta_store); calling invalid bytecode reverts with the reason", async () => {
    const key = privateKeyFromSeed("contract author");
    const id = addressFromPrivateKey(key);
    const abi = JSON.stringify({ methods: { hello: { entry_point: 1, argument: "", return: "", read_only: true } } });
    const upload = buildTransaction(
      { chainId: t.chain.rules.chainId, payer: t.dev.accounts[2]!.address, nonce: 1n, rcLimit: 50_000_000n, operations: [protocol.Operation.fromPartial({ upload_contract: { contract_id: id, bytecode: utf8("\0asm not really"), abi } })] },
      t.dev.accounts[2]!.privateKey,
      key,
    );
    await client.submitBlock({ block: t.block([upload]) });
    expect((await meta.getContractMeta({ contract_id: id })).meta?.abi).toBe(abi);
    expect(JSON.parse((await meta.getContractMeta({ contract_id: KOIN_ID })).meta!.abi).methods.transfer.entry_point).toBe(KoinEntryPoint.transfer);
    const call = await client.readContract({ contract_id: id, entry_point: 1, args: new Uint8Array() }).catch((e) => e);
    expect(call.message).toContain("not a WebAssembly 1.0 module");
    expect(call.chainCode).toBe(1);
    const md = await client.invokeSystemCall({ name: "get_contract_metadata", args: protocol.GetContractMetadataArguments.encode({ contract_id: id }).finish() });
    expect(protocol.GetContractMetadataResult.decode(md.value).value?.hash.length).toBe(34);
  });

  test("upload_contract without the contract key's signature is rejected", async () => {
    const id = addressFromPrivateKey(privateKeyFromSeed("someone else"));
    const upload = buildTransaction(
      { chainId: t.chain.rules.chainId, nonce: 2n, rcLimit: 50_000_000n, operations: [protocol.Operation.fromPartial({ upload_contract: { contract_id: id, bytecode: utf8("x"), abi: "" } })] },
      t.dev.accounts[2]!.privateKey,
    );
    const e = await client.submitTransaction({ transaction: upload, broadcast: false }).catch((x) => x);
    expect(e.chainCode).toBe(-200);
  });

  test("mint needs the genesis key", async () => {
    const args = token.MintArguments.encode(token.MintArguments.fromPartial({ to: t.dev.accounts[3]!.address, value: 5n })).finish();
    const op = protocol.Operation.fromPartial({ call_contract: { contract_id: KOIN_ID, entry_point: KoinEntryPoint.mint, args } });
    const byUser = buildTransaction({ chainId: t.chain.rules.chainId, nonce: 1n, rcLimit: 50_000_000n, operations: [op] }, t.dev.accounts[3]!.privateKey);
    const e = await client.submitTransaction({ transaction: byUser, broadcast: false }).catch((x) => x);
    expect(e.message).toBe("insufficient privileges to mint");
    const bySystem = buildTransaction({ chainId: t.chain.rules.chainId, payer: t.dev.accounts[3]!.address, nonce: 1n, rcLimit: 50_000_000n, operations: [op] }, t.dev.accounts[3]!.privateKey, t.dev.producerKey);
    await client.submitBlock({ block: t.block([bySystem]) });
    const supply = token.Uint64Result.decode((await client.readContract({ contract_id: KOIN_ID, entry_point: KoinEntryPoint.total_supply, args: new Uint8Array() })).result).value;
    expect(supply).toBe(DEV_BALANCE * 4n + 5n);
  });

  test("missing request fields", async () => {
    expect((await client.getAccountNonce({ account: new Uint8Array() }).catch((e) => e)).chainCode).toBe(-1002);
    expect((await client.submitBlock({ block: undefined }).catch((e) => e)).chainCode).toBe(-1002);
  });

  test("transfers between accounts keep the op helper honest", () => {
    expect(transferOp(KOIN_ID, KOIN_ID, 1n).call_contract?.entry_point).toBe(KoinEntryPoint.transfer);
  });
});
