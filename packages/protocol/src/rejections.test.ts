/** Walks the rejection table: every row is well formed and fills in as Koinos writes it. */
import { describe, expect, test } from "bun:test";
import { ChainErrorCode } from "./constants.ts";
import { REJECTIONS, type RejectionName, fillTemplate, rejection, templateKeys } from "./rejections.ts";

const names = Object.keys(REJECTIONS) as RejectionName[];

describe("REJECTIONS", () => {
  test.each(names)("%s: placeholders are captured keys, code and data as its service sends them", (name) => {
    const spec = REJECTIONS[name];
    if (spec.service === "chain") {
      // The chain's JSON carries every value its message names.
      for (const k of templateKeys(spec.template)) expect(spec.data).toContain(k);
      expect(spec.chainCode).toBeDefined();
      expect(ChainErrorCode[spec.chainCode!]).toBeNumber();
    } else {
      // Services other than the chain answer with a message only.
      expect(spec.chainCode).toBeUndefined();
      expect(spec.data).toEqual([]);
      expect(spec.logs).toBe(false);
    }
    const values = Object.fromEntries([...spec.data, ...templateKeys(spec.template)].map((k) => [k, `<${k}>`]));
    const r = rejection(name, values, ["a log"]);
    expect(r.message).not.toContain("${");
    expect(r.chainCode).toBe(spec.chainCode === undefined ? undefined : ChainErrorCode[spec.chainCode]);
    expect(Object.keys(r.data).sort()).toEqual([...spec.data, ...(spec.logs ? ["logs"] : [])].sort());
    if (spec.logs) expect(r.data.logs).toEqual(["a log"]);
  });

  test("Koinos's texts for the common ones", () => {
    expect(rejection("invalid_transaction_nonce", { a: "1A", n: "0x2802", c: "0x2800" }, []).message).toBe("invalid transaction nonce - account: 1A, nonce: 0x2802, current nonce: 0x2800");
    expect(rejection("transaction_not_authorized", { account: "1B" }).message).toBe("account 1B has not authorized transaction");
    expect(rejection("transaction_missing_field", { field: "signature_data" }).message).toBe("missing expected field in transaction: signature_data");
    expect(rejection("mempool_request_overflow", { max: 2000 }).message).toBe("requested too many pending transactions. max: 2000");
    expect(rejection("insufficient_pending_resources")).toEqual({ name: "insufficient_pending_resources", message: "insufficient pending account resources", chainCode: 104, data: {} });
  });

  test("a value not captured stays out of data; an unknown placeholder is left as written", () => {
    expect(rejection("transaction_missing_field", { field: "id" }).data).toEqual({ field: "id" });
    expect(rejection("missing_field", { f: "payer", other: 1 }).data).toEqual({ f: "payer" });
    expect(fillTemplate("a ${x} b", {})).toBe("a ${x} b");
  });
});
