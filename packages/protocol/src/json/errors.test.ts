/** fromKoinosJson error paths: each bad input gives a JsonCodecError naming the field and the fault. */
import { describe, expect, test } from "bun:test";
import { CairnError, ErrorStatus, isCairnError } from "@cairn/core";
import { JsonCodecError, JsonCodecErrorCode, fromKoinosJson, messageFns, toKoinosJson } from "./index.ts";

const SUBMIT = "cairn.chain.v1.SubmitTransactionRequest";

/** The error thrown by parsing `json` as `type`. */
function failure(type: string, json: unknown): JsonCodecError {
  try {
    fromKoinosJson(type, json);
  } catch (e) {
    if (e instanceof JsonCodecError) return e;
    throw e;
  }
  throw new Error("expected a JsonCodecError");
}

const submitWith = (header: object) => failure(SUBMIT, { transaction: { header } });

describe("JsonCodecError", () => {
  test("is an InvalidArgument CairnError with code protocol.json_invalid, path and reason", () => {
    const e = submitWith({ payer: "0OIl" });
    expect(e).toBeInstanceOf(CairnError);
    expect(isCairnError(e)).toBe(true);
    expect(e.code).toBe("protocol.json_invalid");
    expect(e.code).toBe(JsonCodecErrorCode.Invalid);
    expect(e.status).toBe(ErrorStatus.InvalidArgument);
    expect(e.path).toBe("transaction.header.payer");
    expect(e.reason).toBe('invalid base58 "0OIl"');
    expect(e.message).toBe('transaction.header.payer: invalid base58 "0OIl"');
    expect(e.data).toStrictEqual({ type: SUBMIT, path: "transaction.header.payer", reason: 'invalid base58 "0OIl"' });
  });
});

describe("bytes errors", () => {
  test("base64 with '+' or '/' is rejected", () => {
    expect(submitWith({ chain_id: "EiBZK+GG" }).message).toBe(
      `transaction.header.chain_id: invalid base64url "EiBZK+GG" ('+' and '/' are not URL-safe base64; use '-' and '_')`,
    );
    expect(submitWith({ nonce: "KA/=" }).message).toBe(`transaction.header.nonce: invalid base64url "KA/=" ('+' and '/' are not URL-safe base64; use '-' and '_')`);
  });

  test("base64 with bad padding or length", () => {
    expect(submitWith({ nonce: "KA=" }).message).toBe('transaction.header.nonce: invalid base64url "KA=": bad length or padding');
    expect(submitWith({ nonce: "K" }).message).toBe('transaction.header.nonce: invalid base64url "K": bad length or padding');
    expect(submitWith({ nonce: "K=A=" }).message).toBe('transaction.header.nonce: invalid base64url "K=A="');
  });

  test("base58 with characters outside the alphabet", () => {
    expect(submitWith({ payer: "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1c0" }).message).toBe('transaction.header.payer: invalid base58 "1GE2JqXw5LMQaU1sj82Dy8ZEe2BRXQS1c0"');
  });

  test("hex without 0x, with bad digits or odd length", () => {
    expect(failure(SUBMIT, { transaction: { id: "1220ab" } }).message).toBe('transaction.id: invalid hex "1220ab": must start with "0x"');
    expect(failure(SUBMIT, { transaction: { id: "0xzz" } }).message).toBe('transaction.id: invalid hex "0xzz"');
    expect(failure(SUBMIT, { transaction: { id: "0x123" } }).message).toBe('transaction.id: invalid hex "0x123"');
  });

  test("bytes given as a non-string", () => {
    expect(submitWith({ payer: 5 }).message).toBe("transaction.header.payer: expected base58 string, got number 5");
    expect(failure(SUBMIT, { transaction: { signatures: [[1, 2]] } }).message).toBe("transaction.signatures[0]: expected base64url string, got array");
  });
});

describe("integer errors", () => {
  test("non-numeric uint64", () => {
    expect(submitWith({ rc_limit: "abc" }).message).toBe('transaction.header.rc_limit: invalid uint64 "abc": not a decimal integer');
    expect(submitWith({ rc_limit: "1e3" }).message).toBe('transaction.header.rc_limit: invalid uint64 "1e3": not a decimal integer');
    expect(submitWith({ rc_limit: "" }).message).toBe('transaction.header.rc_limit: invalid uint64 "": not a decimal integer');
    expect(submitWith({ rc_limit: true }).message).toBe("transaction.header.rc_limit: expected uint64 as a decimal string, got boolean true");
  });

  test("negative uint64", () => {
    expect(submitWith({ rc_limit: "-1" }).message).toBe("transaction.header.rc_limit: invalid uint64 -1: negative");
    expect(submitWith({ rc_limit: -1 }).message).toBe("transaction.header.rc_limit: invalid uint64 -1: negative");
  });

  test("64-bit overflow", () => {
    expect(submitWith({ rc_limit: "18446744073709551616" }).message).toBe("transaction.header.rc_limit: invalid uint64 18446744073709551616: out of range");
    expect(failure("cairn.chain.v1.InvokeSystemCallRequest", { id: "9223372036854775808" }).message).toBe("id: invalid int64 9223372036854775808: out of range");
  });

  test("inexact numbers for 64-bit fields", () => {
    expect(submitWith({ rc_limit: 1.5 }).message).toBe("transaction.header.rc_limit: invalid uint64 1.5: not an integer");
    expect(submitWith({ rc_limit: 2 ** 60 }).message).toBe(`transaction.header.rc_limit: invalid uint64 ${2 ** 60}: beyond 2^53, send it as a decimal string`);
  });

  test("32-bit overflow, negative, fraction, wrong type", () => {
    const rc = "cairn.chain.v1.ReadContractRequest";
    expect(failure(rc, { entry_point: 4294967296 }).message).toBe("entry_point: invalid uint32 4294967296: out of range");
    expect(failure(rc, { entry_point: -1 }).message).toBe("entry_point: invalid uint32 -1: negative");
    expect(failure(rc, { entry_point: 1.5 }).message).toBe("entry_point: invalid uint32 1.5: not an integer");
    expect(failure(rc, { entry_point: "0x10" }).message).toBe('entry_point: invalid uint32 "0x10": not a decimal integer');
    expect(failure(rc, { entry_point: {} }).message).toBe("entry_point: expected uint32 as a number, got object");
    expect(failure("cairn.protocol.v1.ValueType", { int32_value: 2147483648 }).message).toBe("int32_value: invalid int32 2147483648: out of range");
  });
});

describe("structure errors", () => {
  test("wrong type for a message field", () => {
    expect(failure(SUBMIT, { transaction: [] }).message).toBe("transaction: expected cairn.protocol.v1.Transaction object, got array");
    expect(failure(SUBMIT, { transaction: "0x00" }).message).toBe('transaction: expected cairn.protocol.v1.Transaction object, got string "0x00"');
  });

  test("wrong type for a repeated field, and bad elements name their index", () => {
    expect(failure(SUBMIT, { transaction: { operations: {} } }).message).toBe("transaction.operations: expected array, got object");
    expect(failure(SUBMIT, { transaction: { operations: [{}, { call_contract: { contract_id: "l" } }] } }).message).toBe(
      'transaction.operations[1].call_contract.contract_id: invalid base58 "l"',
    );
    expect(failure(SUBMIT, { transaction: { signatures: ["AQ==", null] } }).message).toBe("transaction.signatures[1]: list element is null");
  });

  test("the top-level value must be an object", () => {
    const e = failure(SUBMIT, [1]);
    expect(e.path).toBe("");
    expect(e.message).toBe("(root): expected cairn.chain.v1.SubmitTransactionRequest object, got array");
    expect(failure(SUBMIT, null).message).toBe("(root): expected cairn.chain.v1.SubmitTransactionRequest object, got null");
  });

  test("bool, string and enum type errors", () => {
    expect(failure(SUBMIT, { broadcast: "true" }).message).toBe('broadcast: expected bool, got string "true"');
    expect(failure("cairn.chain.v1.InvokeSystemCallRequest", { name: 12 }).message).toBe("name: expected string, got number 12");
    expect(failure("cairn.protocol.v1.CallerData", { caller_privilege: "root_mode" }).message).toBe('caller_privilege: unknown cairn.protocol.v1.Privilege value "root_mode"');
    expect(failure("cairn.protocol.v1.CallerData", { caller_privilege: 1.5 }).message).toBe("caller_privilege: expected cairn.protocol.v1.Privilege name or number, got number 1.5");
  });

  test("a field given under both names, and two members of one oneof", () => {
    expect(failure("cairn.chain.v1.ReadContractRequest", { entry_point: 1, entryPoint: 1 }).message).toBe('entry_point: given twice (as "entry_point" and "entryPoint")');
    expect(failure("cairn.chain.v1.InvokeSystemCallRequest", { id: 1, name: "x" }).message).toBe('name: oneof "call_id" already set by "id"');
  });

  test("long values are cut in messages", () => {
    const long = "0".repeat(100);
    expect(submitWith({ payer: long }).message).toBe(`transaction.header.payer: invalid base58 "${"0".repeat(40)}…"`);
  });
});

describe("unknown types", () => {
  test("are NotFound CairnErrors, not JsonCodecErrors", () => {
    for (const call of [() => fromKoinosJson("cairn.chain.v1.Nope", {}), () => toKoinosJson("cairn.chain.v1.Nope", {}), () => messageFns("Nope")]) {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CairnError);
      expect(err).not.toBeInstanceOf(JsonCodecError);
      expect((err as CairnError).code).toBe(JsonCodecErrorCode.UnknownType);
      expect((err as CairnError).status).toBe(ErrorStatus.NotFound);
    }
  });
});
