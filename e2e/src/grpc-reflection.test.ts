/**
 * What a gRPC client in any language sees with no .proto files: `buf curl` (the repository's dev
 * dependency) against the gRPC ports of a running one-process node, using server reflection only
 * (v1 and v1alpha) to list every service and its methods and to call a method of each — chain,
 * contract meta store, block store, transaction store, mempool, account history, block producer
 * and grpc.health.v1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { addressFromBase58 } from "@cairn/protocol";
import { type E2eTarget, startTarget } from "./target.ts";

/** The KOIN contract's address on a dev node (the chain's and gateway's default). */
const DEFAULT_KOIN_CONTRACT = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";

const buf = join(import.meta.dir, "../../node_modules/.bin/buf");

let target: E2eTarget;
beforeAll(async () => {
  target = await startTarget({}, { local: true });
});
afterAll(async () => {
  await target?.stop();
});

type Protocol = "grpc-v1" | "grpc-v1alpha";

/** Runs `buf curl` with reflection only (no schema given); returns stdout, throwing with stderr on failure. */
async function bufCurl(args: string[], protocol: Protocol = "grpc-v1"): Promise<string> {
  const proc = Bun.spawn([buf, "curl", "--protocol", "grpc", "--http2-prior-knowledge", "--reflect-protocol", protocol, ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`buf curl ${args.join(" ")} exited ${code}: ${err}`);
  return out;
}

const lines = (s: string) => s.trim().split("\n").filter(Boolean).sort();

function port(name: string): string {
  const p = target.node!.grpcPorts[name];
  if (!p) throw new Error(`no gRPC port for ${name}`);
  return `http://127.0.0.1:${p}`;
}

/** The services each port hosts (as the dev node and the standalone binaries serve them). */
const PORTS: { port: string; services: string[] }[] = [
  { port: "chain", services: ["cairn.chain.v1.ChainService", "cairn.contract_meta_store.v1.ContractMetaStoreService", "cairn.p2p.v1.P2pService"] },
  { port: "blockStore", services: ["cairn.block_store.v1.BlockStoreService", "cairn.transaction_store.v1.TransactionStoreService"] },
  { port: "mempool", services: ["cairn.mempool.v1.MempoolService"] },
  { port: "accountHistory", services: ["cairn.account_history.v1.AccountHistoryService"] },
  { port: "blockProducer", services: ["cairn.block_producer.v1.BlockProducerService"] },
];

describe("gRPC reflection with buf curl", () => {
  for (const protocol of ["grpc-v1", "grpc-v1alpha"] as const) {
    test(`${protocol}: every port lists its services, health included, and their methods`, async () => {
      // Ports in parallel: each buf curl is a process start plus a reflection stream.
      await Promise.all(PORTS.map(async ({ port: name, services }) => {
        const listed = lines(await bufCurl(["--list-services", port(name)], protocol));
        expect(listed).toEqual([...services, "grpc.health.v1.Health"].sort());
        // Listing methods resolves each service's file and its imports through reflection.
        const methods = lines(await bufCurl(["--list-methods", port(name)], protocol));
        const servicesWithMethods = [...new Set(methods.map((m) => m.slice(0, m.lastIndexOf("/"))))].sort();
        expect(servicesWithMethods).toEqual(listed);
        expect(methods).toContain("grpc.health.v1.Health/Check");
      }));
    });
  }

  test("a method of every service answers through reflection", async () => {
    const call = async (name: string, method: string, body: unknown, protocol: Protocol = "grpc-v1") =>
      JSON.parse(await bufCurl(["-d", JSON.stringify(body), `${port(name)}/${method}`], protocol)) as Record<string, unknown>;

    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

    const produced = await call("blockProducer", "cairn.block_producer.v1.BlockProducerService/ProduceBlock", {});
    expect(produced).toHaveProperty("blockId");
    const head = await call("chain", "cairn.chain.v1.ChainService/GetHeadInfo", {});
    const topology = head.headTopology as { id: string; height: string };
    expect(topology.id).toBe(produced.blockId as string);

    // The rest is independent: run it in parallel.
    const [mode, chainId, meta, blocks, highest, txs, pending, history, gossip] = await Promise.all([
      call("blockProducer", "cairn.block_producer.v1.BlockProducerService/GetProductionMode", {}),
      call("chain", "cairn.chain.v1.ChainService/GetChainId", {}, "grpc-v1alpha"),
      call("chain", "cairn.contract_meta_store.v1.ContractMetaStoreService/GetContractMeta", { contractId: b64(addressFromBase58(DEFAULT_KOIN_CONTRACT)) }),
      call("blockStore", "cairn.block_store.v1.BlockStoreService/GetBlocksByHeight", { headBlockId: topology.id, ancestorStartHeight: "1", numBlocks: 10, returnBlock: true }),
      call("blockStore", "cairn.block_store.v1.BlockStoreService/GetHighestBlock", {}),
      call("blockStore", "cairn.transaction_store.v1.TransactionStoreService/GetTransactionsById", { transactionIds: [b64(new Uint8Array(34))] }),
      call("mempool", "cairn.mempool.v1.MempoolService/GetPendingTransactionCount", {}),
      call("accountHistory", "cairn.account_history.v1.AccountHistoryService/GetAccountHistory", { address: b64(addressFromBase58(target.node!.producerAddress)), limit: "5" }),
      call("chain", "cairn.p2p.v1.P2pService/GetGossipStatus", {}),
    ]);
    expect(mode.mode).toBe("PRODUCTION_MODE_INSTANT");
    expect(chainId.chainId).toBe(b64(target.node!.chainId));
    expect(meta).toBeObject();
    const items = blocks.blockItems as { blockId: string; blockHeight: string }[];
    expect(items.map((i) => i.blockHeight)).toEqual(Array.from({ length: Number(topology.height) }, (_, i) => String(i + 1)));
    expect(items.at(-1)?.blockId).toBe(topology.id);
    expect((highest.topology as { id: string }).id).toBe(topology.id);
    expect(txs).toBeObject();
    expect(pending).toBeObject();
    expect(history).toBeObject();
    expect(gossip).toEqual({});

    await Promise.all(
      PORTS.map(async ({ port: name, services }) => {
        expect(await call(name, "grpc.health.v1.Health/Check", {})).toEqual({ status: "SERVING" });
        expect(await call(name, "grpc.health.v1.Health/Check", { service: services[0] }, "grpc-v1alpha")).toEqual({ status: "SERVING" });
      }),
    );
  });
});
