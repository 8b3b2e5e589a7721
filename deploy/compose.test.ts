/**
 * compose.yaml speaks Koinos: its service and profile names are those of Koinos's
 * docker-compose.yml, with each Koinos service Cairn merges mapped to the service that serves it.
 * `docker-compose config` (in .ci/run) checks the file is valid; this checks what it starts.
 */
import { describe, expect, test } from "bun:test";

interface ComposeService {
  image?: string;
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
}

const compose = Bun.YAML.parse(await Bun.file(new URL("../compose.yaml", import.meta.url)).text()) as { services: Record<string, ComposeService> };
const services = compose.services;

/** The services `docker compose --profile …` starts: those without a profile plus the profiles' own. */
function started(...profiles: string[]): string[] {
  return Object.entries(services)
    .filter(([, s]) => s.profiles === undefined || s.profiles.some((p) => profiles.includes(p)))
    .map(([name]) => name)
    .sort();
}

const CORE = ["block_store", "chain", "mempool", "nats", "postgres"];

describe("compose.yaml", () => {
  test("Koinos's service names", () => {
    for (const name of ["chain", "block_store", "mempool", "account_history", "block_producer", "jsonrpc", "transaction_store", "contract_meta_store"]) expect(services[name]).toBeDefined();
  });

  test("Koinos's profiles start what serves them", () => {
    expect(started()).toEqual(CORE);
    expect(started("account_history")).toEqual([...CORE, "account_history"].sort());
    expect(started("jsonrpc")).toEqual([...CORE, "jsonrpc"].sort());
    expect(started("rest")).toEqual([...CORE, "jsonrpc"].sort());
    expect(started("grpc")).toEqual([...CORE, "account_history"].sort());
    expect(started("transaction_store")).toEqual([...CORE, "transaction_store"].sort());
    expect(started("contract_meta_store")).toEqual([...CORE, "contract_meta_store"].sort());
    expect(started("block_producer")).toEqual([...CORE, "block_producer"].sort());
    expect(started("api")).toEqual([...CORE, "account_history", "contract_meta_store", "jsonrpc", "transaction_store"].sort());
    expect(started("all")).toEqual([...CORE, "account_history", "block_producer", "contract_meta_store", "jsonrpc", "transaction_store"].sort());
    expect(started("monitoring")).toEqual([...CORE, "grafana", "prometheus"].sort());
  });

  test("merged Koinos services: the profile probes the service that serves it, and the gateway uses that one", () => {
    expect(services.jsonrpc!.environment!.CAIRN_GATEWAY_SERVICES_TRANSACTION_STORE).toBe("block_store:50052");
    expect(services.jsonrpc!.environment!.CAIRN_GATEWAY_SERVICES_CONTRACT_META_STORE).toBe("chain:50051");
    expect(services.transaction_store!.command).toEqual(["bun", "scripts/healthcheck.ts", "grpc", "block_store:50052", "cairn.transaction_store.v1.TransactionStoreService"]);
    expect(services.contract_meta_store!.command).toEqual(["bun", "scripts/healthcheck.ts", "grpc", "chain:50051", "cairn.contract_meta_store.v1.ContractMetaStoreService"]);
  });

  test("one image tag variable per Cairn service, as Koinos's CHAIN_TAG", () => {
    const tags: Record<string, string> = { chain: "CHAIN_TAG", block_store: "BLOCK_STORE_TAG", mempool: "MEMPOOL_TAG", account_history: "ACCOUNT_HISTORY_TAG", block_producer: "BLOCK_PRODUCER_TAG", jsonrpc: "JSONRPC_TAG" };
    for (const [name, variable] of Object.entries(tags)) expect(services[name]!.image).toBe(`\${CAIRN_IMAGE:-cairn}:\${${variable}:-latest}`);
  });

  test("env.example names every variable compose.yaml reads", async () => {
    const text = await Bun.file(new URL("../compose.yaml", import.meta.url)).text();
    const example = await Bun.file(new URL("../env.example", import.meta.url)).text();
    const used = new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
    expect([...used].filter((v) => !documented.has(v))).toEqual([]);
  });
});
