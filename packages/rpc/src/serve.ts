/**
 * `serveGrpc`: what every service node does to expose its RPCs — create the server (health,
 * reflection, per-method metrics), add its services, start it and log where it listens — in one
 * call. A null or undefined port serves nothing (the one-process node reaches the implementations
 * through in-process clients).
 */
import type { Logger } from "@cairn/core";
import type { AnyServiceDefinition } from "./definition.ts";
import { createGrpcServer, type GrpcServer, type GrpcServerDeps, type GrpcServerOptions } from "./server.ts";
import type { ServiceImplementation } from "./types.ts";

/** One service a server answers: its definition and implementation (build it with {@link bindService}). */
export interface ServiceBinding {
  readonly add: (server: GrpcServer) => void;
}

/** Pairs a definition with its implementation, type-checked against each other. */
export function bindService<TDef extends AnyServiceDefinition>(definition: TDef, implementation: ServiceImplementation<TDef>): ServiceBinding {
  return { add: (server) => server.addService(definition, implementation) };
}

/** Where a node serves: its `grpcHost` and `grpcPort` options (a null or undefined port: no server). */
export interface GrpcPlace {
  grpcHost?: string;
  grpcPort: number | null | undefined;
}

/** What {@link serveGrpc} uses: the server's deps and the descriptor set for reflection. */
export interface ServeGrpcDeps extends GrpcServerDeps {
  logger: Logger;
  descriptorSet?: GrpcServerOptions["descriptorSet"];
}

/** A started server and its bound port, or no server. */
export interface Served {
  server: GrpcServer | undefined;
  port: number | undefined;
}

/** Creates, fills and starts a gRPC server, then logs `message` with the port and `fields` (see the file comment). */
export async function serveGrpc(place: GrpcPlace, services: readonly ServiceBinding[], deps: ServeGrpcDeps, message: string, fields: Record<string, unknown> = {}): Promise<Served> {
  if (place.grpcPort === null || place.grpcPort === undefined) return { server: undefined, port: undefined };
  const { descriptorSet, ...serverDeps } = deps;
  const server = createGrpcServer({ host: place.grpcHost, port: place.grpcPort, descriptorSet }, serverDeps);
  for (const s of services) s.add(server);
  const port = await server.start();
  deps.logger.info({ port, ...fields }, message);
  return { server, port };
}
