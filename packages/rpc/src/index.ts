/**
 * @cairn/rpc — how Cairn's services talk gRPC. What flows through it:
 *
 * - server side: a ts-proto service definition plus plain async functions go in
 *   (`createGrpcServer().addService`); requests come out of grpc-js as bytes, are decoded, run,
 *   and answered; a thrown `CairnError` leaves as a gRPC status with its code, chainCode and data
 *   in trailing metadata; the server also answers `grpc.health.v1.Health` and reflection, and
 *   counts every call per method.
 * - client side: `createGrpcClient` (network) and `createInProcessClient` (its in-memory twin)
 *   give the same promise-based object per service; failures come back as the same `CairnError`,
 *   so an error crosses any number of hops unchanged up to the gateway, which turns it into a
 *   Koinos JSON-RPC error with `koinosErrorData`.
 * - service nodes: `serveGrpc` creates, fills (`bindService`), starts and logs a server in one call.
 * - scripts: `checkHealth` / `waitForHealthy`.
 */
export type {
  AnyServiceDefinition,
  GenericMethodDefinition,
  GenericServiceDefinition,
  GrpcServiceDefinition,
  MessageCodec,
} from "./definition.ts";
export type {
  CallContext,
  CallOptions,
  ClientControls,
  MethodsOf,
  PromiseClient,
  RequestOf,
  ResponseOf,
  ServiceClient,
  ServiceImplementation,
} from "./types.ts";
export { DEFAULT_DEADLINE_MS, DEFAULT_GRACE_MS, DEFAULT_MAX_MESSAGE_BYTES } from "./defaults.ts";
export {
  ErrorMetadataKey,
  errorToGrpcStatus,
  grpcStatusToError,
  koinosErrorData,
  MAX_ERROR_DATA_BYTES,
  MAX_ERROR_MESSAGE_CHARS,
  RpcErrorCode,
  type CallInfo,
  type GrpcErrorStatus,
  type ReceivedGrpcError,
} from "./error-mapping.ts";
export { createGrpcServer, type GrpcServer, type GrpcServerDeps, type GrpcServerOptions, type StopOptions } from "./server.ts";
export { bindService, serveGrpc, type GrpcPlace, type ServeGrpcDeps, type Served, type ServiceBinding } from "./serve.ts";
export { createGrpcClient, type GrpcClientDeps, type GrpcClientOptions } from "./client.ts";
export { createInProcessClient, type InProcessClientDeps, type InProcessClientOptions } from "./in-process-client.ts";
export { checkHealth, waitForHealthy, type CheckHealthOptions, type HealthStatus, type WaitForHealthyOptions } from "./health-client.ts";
export { HEALTH_SERVICE_NAME } from "./health.ts";
export { HEALTH_PROTO, indexDescriptorSet, servicesOfDescriptorSet, type DescriptorIndex, type DescriptorSetSource } from "./reflection.ts";
export { routeGrpcLogs } from "./grpc-logging.ts";
export { forwardCallOptions } from "./call-options.ts";
