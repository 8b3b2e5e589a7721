/**
 * gRPC server reflection (`grpc.reflection.v1` and `v1alpha`, @grpc/reflection) built from the
 * FileDescriptorSet of all Cairn protos, so grpcurl and Postman can list and call services with
 * no .proto files at hand. Only the services a server actually hosts are listed; every message
 * type of the set can still be described.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Server } from "@grpc/grpc-js";
import { loadFileDescriptorSetFromBuffer, loadSync, type Options, type PackageDefinition } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { protoPath as healthProtoPath } from "grpc-health-check";

/** A serialized `google.protobuf.FileDescriptorSet` (e.g. `buf build -o set.binpb`), or the path of one. */
export type DescriptorSetSource = string | Uint8Array;

const LOADER_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

async function readSource(source: DescriptorSetSource): Promise<Buffer> {
  if (typeof source === "string") return readFile(source);
  return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
}

/** The health proto's descriptors (file `health/v1/health.proto`, as grpc-health-check ships it). */
function healthDefinition(): PackageDefinition {
  const root = resolve(dirname(healthProtoPath), "../..");
  return loadSync("health/v1/health.proto", { ...LOADER_OPTIONS, includeDirs: [root] });
}

/**
 * Adds reflection to `server`, describing the services named in `services` (fully qualified)
 * from `source`. The health service's descriptor is added so it can be listed too.
 */
export async function addReflection(server: Server, source: DescriptorSetSource, services: readonly string[]): Promise<void> {
  const set = loadFileDescriptorSetFromBuffer(await readSource(source), LOADER_OPTIONS);
  const pkg: PackageDefinition = { ...healthDefinition(), ...set };
  new ReflectionService(pkg, { services: [...services] }).addToServer(server);
}

/**
 * Encodes `FileDescriptorSet { repeated FileDescriptorProto file = 1; }` from a proto-loader
 * package definition (each type carries the encoded descriptors of its files). For tests and
 * tools that have .proto files rather than a `buf build` output.
 */
export function descriptorSetFromPackageDefinition(pkg: PackageDefinition): Uint8Array {
  const files = new Map<string, Buffer>();
  for (const def of Object.values(pkg)) {
    const protos = (def as { fileDescriptorProtos?: unknown }).fileDescriptorProtos;
    if (!Array.isArray(protos)) continue;
    for (const bytes of protos as Buffer[]) files.set(bytes.toString("base64"), bytes);
  }
  const parts: Buffer[] = [];
  for (const bytes of files.values()) parts.push(Buffer.from([0x0a]), varint(bytes.length), bytes);
  return new Uint8Array(Buffer.concat(parts));
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
