import { describe, expect, test } from "bun:test";
import { CairnError, ErrorStatus } from "@cairn/core";
import { Metadata, status as GrpcStatus } from "@grpc/grpc-js";
import {
  ErrorMetadataKey,
  errorToGrpcStatus,
  grpcStatusToError,
  koinosErrorData,
  MAX_ERROR_DATA_BYTES,
  MAX_ERROR_MESSAGE_CHARS,
  RpcErrorCode,
} from "./error-mapping.ts";

const info = { method: "cairn.x.v1.XService/Do", address: "host:1", deadlineMs: 250 };

describe("koinosErrorData", () => {
  test("is Koinos's text: the captured keys and code, sorted as the chain's JSON library writes them", () => {
    expect(koinosErrorData({ chainCode: 1, data: { logs: [] } })).toBe('{"code":1,"logs":[]}');
    expect(koinosErrorData({ chainCode: -201, data: {} })).toBe('{"code":-201}');
    expect(koinosErrorData({ chainCode: -201, data: { n: "0x2801", logs: [], c: "0x2801", a: "1x" } })).toBe('{"a":"1x","c":"0x2801","code":-201,"logs":[],"n":"0x2801"}');
  });

  test("the chain code wins over a `code` key in data", () => {
    expect(koinosErrorData({ chainCode: 100, data: { logs: ["x"], code: "other" } })).toBe('{"code":100,"logs":["x"]}');
  });

  test("is undefined without a chain code", () => {
    expect(koinosErrorData({ chainCode: undefined, data: { logs: [] } })).toBeUndefined();
  });
});

describe("errorToGrpcStatus", () => {
  test("puts a CairnError's fields in status, details and trailers", () => {
    const err = new CairnError("chain.invalid_nonce", "invalid nonce ☃", { status: ErrorStatus.InvalidArgument, chainCode: -201, data: { n: 1n } });
    const { status, expected } = errorToGrpcStatus(err);
    expect(expected).toBe(true);
    expect(status.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(status.details).toBe("invalid nonce ☃");
    expect(status.metadata.get(ErrorMetadataKey.Code)).toEqual(["chain.invalid_nonce"]);
    expect(status.metadata.get(ErrorMetadataKey.ChainCode)).toEqual(["-201"]);
    expect(String(status.metadata.get(ErrorMetadataKey.Data)[0])).toBe('{"n":"1"}');
    expect(String(status.metadata.get(ErrorMetadataKey.KoinosData)[0])).toBe('{"code":-201,"n":"1"}');
  });

  test("answers anything else with a generic INTERNAL", () => {
    const { status, expected } = errorToGrpcStatus(new TypeError("x is undefined"));
    expect(expected).toBe(false);
    expect([status.code, status.details]).toEqual([GrpcStatus.INTERNAL, "internal error"]);
    expect(status.metadata.get(ErrorMetadataKey.Code)).toEqual([RpcErrorCode.Internal]);
  });

  test("keeps trailers small: oversized data and messages are cut, codes made ASCII", () => {
    const err = new CairnError("chain.bäd", "m".repeat(MAX_ERROR_MESSAGE_CHARS + 10), { chainCode: 1, data: { logs: ["x".repeat(MAX_ERROR_DATA_BYTES)] } });
    const { status } = errorToGrpcStatus(err);
    expect(status.details).toHaveLength(MAX_ERROR_MESSAGE_CHARS);
    expect(status.metadata.get(ErrorMetadataKey.Code)).toEqual(["chain.b?d"]);
    const data = JSON.parse(String(status.metadata.get(ErrorMetadataKey.Data)[0]));
    expect(data).toMatchObject({ truncated: true });
    expect(String(status.metadata.get(ErrorMetadataKey.KoinosData)[0])).toBe('{"bytes":' + data.bytes + ',"code":1,"truncated":true}');
  });

  test("a status outside gRPC's range becomes INTERNAL", () => {
    expect(errorToGrpcStatus(new CairnError("x.y", "m", { status: 0 as ErrorStatus })).status.code).toBe(GrpcStatus.INTERNAL);
  });
});

describe("grpcStatusToError", () => {
  test("round-trips a CairnError", () => {
    const err = new CairnError("mempool.full", "full", { status: ErrorStatus.ResourceExhausted, chainCode: -206, data: { max: 10 } });
    const back = grpcStatusToError(errorToGrpcStatus(err).status, info);
    expect([back.code, back.status, back.message, back.chainCode, back.data]).toEqual(["mempool.full", ErrorStatus.ResourceExhausted, "full", -206, { max: 10 }]);
  });

  test("names method, address and deadline for transport failures", () => {
    const deadline = grpcStatusToError({ code: GrpcStatus.DEADLINE_EXCEEDED, details: "Deadline exceeded", metadata: new Metadata() }, info);
    expect(deadline.code).toBe(RpcErrorCode.DeadlineExceeded);
    expect(deadline.message).toBe("deadline of 250 ms exceeded calling cairn.x.v1.XService/Do at host:1");
    expect(deadline.data).toMatchObject({ method: info.method, address: "host:1", deadlineMs: 250, grpcStatus: "DEADLINE_EXCEEDED" });
    const other = grpcStatusToError({ code: GrpcStatus.PERMISSION_DENIED, details: "no" }, info);
    expect([other.code, other.status, other.message]).toEqual(["rpc.permission_denied", ErrorStatus.PermissionDenied, "cairn.x.v1.XService/Do failed at host:1: no"]);
  });
});
