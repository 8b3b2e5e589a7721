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

/** Options of {@link serveGrpc}. */
export interface ServeGrpcOptions extends Omit<GrpcServerOptions, "port"> {
  /** Port; 0 picks a free one; null or undefined: no server. */
  port: number | null | undefined;
  /** The services to answer. */
  services: readonly ServiceBinding[];
  /** The log line once listening, e.g. `chain listening`. */
  message: string;
  /** Extra fields of that log line. */
  fields?: Record<string, unknown>;
}

/** A started server and its bound port, or no server. */
export interface Served {
  server: GrpcServer | undefined;
  port: number | undefined;
}

/** Creates, fills and starts a gRPC server (see the file comment). */
export async function serveGrpc(options: ServeGrpcOptions, deps: GrpcServerDeps & { logger: Logger }): Promise<Served> {
  const { port, services, message, fields, ...serverOptions } = options;
  if (port === null || port === undefined) return { server: undefined, port: undefined };
  const server = createGrpcServer({ ...serverOptions, port }, deps);
  for (const s of services) s.add(server);
  const bound = await server.start();
  deps.logger.info({ port: bound, ...fields }, message);
  return { server, port: bound };
}
