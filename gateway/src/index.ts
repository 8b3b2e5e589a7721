/**
 * @cairn/gateway — the node's only door for external clients. HTTP requests come in (Koinos
 * JSON-RPC on any path, REST under /v1/, WebSocket on /ws), are decoded with the Koinos JSON
 * codec, checked against the method table (built from the generated service definitions and the
 * allow/deny lists), and go out as gRPC calls to the services (or in-process calls in the
 * one-process node); bus events flow out to WebSocket subscribers.
 */
export { createApp, type GatewayApp, type GatewayDeps } from "./app.ts";
export { startGateway, grpcClientsFor, type RunningGateway, type StartGatewayDeps } from "./main.ts";
export { DEFAULT_DENY, defaultGatewayOptions, gatewayOptionsSchema, parseGatewayOptions, type GatewayOptions, type GatewayOptionsInput } from "./options.ts";
export { buildMethodTable, type GatewayClients, type MethodTable, type TableMethod } from "./table/method-table.ts";
export type { GatewayBus, GatewayBusMessage } from "./ws/hub.ts";
export { websocket } from "./ws/route.ts";
export { JsonRpcCode, JsonRpcMessage, TranslateData, InvalidRequestData, DEADLINE_DATA } from "./jsonrpc/errors.ts";
