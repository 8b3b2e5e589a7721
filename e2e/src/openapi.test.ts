/**
 * The gateway's OpenAPI document against a running one-process node: Redocly's linter (the
 * `@redocly/cli` dev dependency) finds no error in it, and real answers of every REST route —
 * successes and the errors the gateway returns — carry a status the document declares and a body
 * its schema accepts (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { Contract, Provider, Signer, utils } from "koilib";
import { type E2eTarget, rpc, startTarget } from "./target.ts";

const redocly = join(import.meta.dir, "../../node_modules/.bin/redocly");
const KOIN = "15DJN4a8SgrbGhhGksSBASiSYjGnMU8dGL";

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

let target: E2eTarget;
let doc: Doc;
let ajv: InstanceType<typeof Ajv2020>;
beforeAll(async () => {
  target = await startTarget({}, { local: true });
  doc = (await (await fetch(`${target.url}/openapi.json`)).json()) as Doc;
  // The whole document is one schema resource, so `#/components/schemas/...` refs resolve in it.
  // Formats (uint64, base58, hex…) name the codec's string forms; the patterns and types are what is checked.
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ ...doc, $id: "cairn-openapi" });
});
afterAll(async () => {
  await target?.stop();
});

/** Escapes a path for a JSON pointer. */
const pointer = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * Fetches `path` and checks the answer against the operation `verb template`: the status is
 * declared, and a JSON body matches the declared schema. Returns the status and body.
 */
async function conforms(verb: "get" | "post", template: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${target.url}${path}`, { method: verb.toUpperCase(), ...init });
  const text = await res.text();
  const op = doc.paths[template]?.[verb];
  expect(`${verb} ${template}: ${op !== undefined}`).toBe(`${verb} ${template}: true`);
  const declared = op!.responses[String(res.status)];
  expect(`${verb} ${path} → ${res.status} declared: ${declared !== undefined}`).toBe(`${verb} ${path} → ${res.status} declared: true`);
  const body: unknown = text === "" ? undefined : JSON.parse(text);
  if (declared?.content?.["application/json"]) {
    const ref = `cairn-openapi#/paths/${pointer(template)}/${verb}/responses/${res.status}/content/application~1json/schema`;
    const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
    const valid = validate(body);
    expect(`${verb} ${path}: ${valid ? "valid" : ajv.errorsText(validate.errors)}`).toBe(`${verb} ${path}: valid`);
  }
  return { status: res.status, body };
}

describe("OpenAPI document", () => {
  test("Redocly lint finds no error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-openapi-"));
    try {
      const file = join(dir, "openapi.json");
      await Bun.write(file, JSON.stringify(doc));
      const proc = Bun.spawn([redocly, "lint", "--format=json", file], { stdout: "pipe", stderr: "pipe", env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } });
      const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      const report = JSON.parse(out) as { totals: { errors: number }; problems: { severity: string; ruleId: string; message: string }[] };
      const errors = report.problems.filter((p) => p.severity === "error").map((p) => `${p.ruleId}: ${p.message}`);
      expect(errors).toEqual([]);
      expect(report.totals.errors).toBe(0);
      expect(`${code} ${err.includes("valid") || code === 0}`).toBe("0 true");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("real answers of every REST route match the document", async () => {
    // A transfer first, so blocks, a transaction and history entries exist.
    const alice = Signer.fromSeed(`${target.seed} 0`);
    const bob = Signer.fromSeed(`${target.seed} 1`);
    alice.provider = new Provider([target.url]);
    const koin = new Contract({ id: KOIN, abi: utils.tokenAbi, provider: alice.provider, signer: alice });
    const { transaction } = await koin.functions.transfer!({ from: alice.getAddress(), to: bob.getAddress(), value: "1000" });
    await transaction!.wait("byTransactionId", 30_000);
    const txId = transaction!.id!;
    const head = (await rpc(target.url, "chain.get_head_info")).result as { head_topology: { id: string } };
    const address = alice.getAddress();

    const headBody = (await conforms("get", "/v1/head", "/v1/head")).body as Record<string, unknown>;
    // The schemas are not vacuous: a wrong type in the same answer is refused.
    const headSchema = ajv.compile({ $ref: "cairn-openapi#/paths/~1v1~1head/get/responses/200/content/application~1json/schema" });
    expect(headSchema(headBody)).toBe(true);
    expect(headSchema({ ...headBody, head_topology: 5 })).toBe(false);
    expect(headSchema({ ...headBody, head_block_time: 5 })).toBe(false);
    await conforms("get", "/v1/chain-id", "/v1/chain-id");
    expect((await conforms("get", "/v1/blocks/{height}", "/v1/blocks/1")).status).toBe(200);
    expect((await conforms("get", "/v1/blocks/{height}", "/v1/blocks/99999")).status).toBe(404);
    expect((await conforms("get", "/v1/blocks/{height}", "/v1/blocks/zero")).status).toBe(400);
    expect((await conforms("get", "/v1/blocks", "/v1/blocks?from=1&count=3")).status).toBe(200);
    expect((await conforms("get", "/v1/blocks", "/v1/blocks?from=1&count=100000")).status).toBe(400);
    expect((await conforms("get", "/v1/blocks/id/{id}", `/v1/blocks/id/${head.head_topology.id}`)).status).toBe(200);
    expect((await conforms("get", "/v1/blocks/id/{id}", `/v1/blocks/id/0x1220${"00".repeat(32)}`)).status).toBe(404);
    expect((await conforms("get", "/v1/blocks/id/{id}", "/v1/blocks/id/nothex")).status).toBe(400);
    expect((await conforms("get", "/v1/transactions/{id}", `/v1/transactions/${txId}`)).status).toBe(200);
    expect((await conforms("get", "/v1/transactions/{id}", "/v1/transactions/0x12")).status).toBe(400);
    for (const route of ["nonce", "rc", "balance", "history"]) {
      expect((await conforms("get", `/v1/accounts/{address}/${route}`, `/v1/accounts/${address}/${route}`)).status).toBe(200);
      const bad = await conforms("get", `/v1/accounts/{address}/${route}`, `/v1/accounts/notanaddress/${route}`);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain("address must be a base58 Koinos address");
    }
    expect((await conforms("post", "/v1/transactions", "/v1/transactions", { body: "{not json" })).status).toBe(400);
    expect((await conforms("post", "/v1/transactions", "/v1/transactions", { body: "x".repeat(2 * 1024 * 1024 + 1) })).status).toBe(413);
    // A chain rejection (a transaction replayed) keeps its HTTP status from the gRPC status.
    const replay = await conforms("post", "/v1/transactions", "/v1/transactions", { body: JSON.stringify(transaction) });
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect((await conforms("post", "/v1/rpc/chain/get_head_info", "/v1/rpc/chain/get_head_info", { body: "{}" })).status).toBe(200);
    expect((await conforms("post", "/v1/rpc/chain/get_account_nonce", "/v1/rpc/chain/get_account_nonce", { body: JSON.stringify({ account: address }) })).status).toBe(200);
    expect((await conforms("post", "/v1/rpc/chain/get_head_info", "/v1/rpc/chain/get_head_info", { body: "[]" })).status).toBe(400);
    expect((await conforms("get", "/health", "/health")).status).toBe(200);
    expect((await conforms("get", "/ws", "/ws")).status).toBe(426);
    expect((await conforms("get", "/openapi.json", "/openapi.json")).status).toBe(200);
  });
});
