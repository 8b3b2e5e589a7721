/**
 * The schema source of the codec: the binary FileDescriptorSet of every Cairn proto, read with
 * @bufbuild/protobuf reflection, plus the two things the codec takes from it besides structure —
 * the `bytes_encoding` field option and leading source comments (for JSON Schema descriptions).
 */
import { createFileRegistry, fromBinary, getOption, hasOption } from "@bufbuild/protobuf";
import type { DescEnum, DescExtension, DescField, DescMessage, DescMethod, DescService, FileRegistry } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { options } from "@cairn/proto";

/** Fully qualified name of the field option that picks a bytes field's JSON form. */
export const BYTES_ENCODING_OPTION = "cairn.options.v1.bytes_encoding";

/** Reflection over a descriptor set: the registry plus the `bytes_encoding` extension. */
export interface Descriptors {
  readonly registry: FileRegistry;
  /** The `bytes_encoding` option value of a field (0 = unspecified when absent). */
  bytesEncoding(field: DescField): options.BytesEncoding;
  /** Leading comment of a message, field, service or method, trimmed ("" when none). */
  comment(desc: DescMessage | DescField | DescEnum | DescService | DescMethod): string;
}

/** Reads a binary FileDescriptorSet (which must include cairn/options/v1/options.proto). */
export function loadDescriptors(descriptorSet: Uint8Array): Descriptors {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
  const ext: DescExtension | undefined = registry.getExtension(BYTES_ENCODING_OPTION);
  const comments = new Map<string, Map<string, string>>();

  const commentsOf = (fileName: string): Map<string, string> => {
    let m = comments.get(fileName);
    if (m === undefined) {
      m = new Map();
      const file = registry.getFile(fileName);
      for (const loc of file?.proto.sourceCodeInfo?.location ?? []) {
        const text = loc.leadingComments.trim();
        if (text !== "") m.set(loc.path.join(","), text);
      }
      comments.set(fileName, m);
    }
    return m;
  };

  return {
    registry,
    bytesEncoding(field) {
      if (ext === undefined || !hasOption(field, ext)) return 0;
      return getOption(field, ext) as options.BytesEncoding;
    },
    comment(desc) {
      const path = sourcePath(desc);
      const file = desc.kind === "field" ? desc.parent.file : desc.kind === "rpc" ? desc.parent.file : desc.file;
      return path === undefined ? "" : (commentsOf(file.proto.name).get(path.join(",")) ?? "");
    },
  };
}

// Field numbers inside descriptor.proto that make up source-info paths.
const FILE_MESSAGE = 4;
const FILE_ENUM = 5;
const FILE_SERVICE = 6;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED = 3;
const MESSAGE_ENUM = 4;
const SERVICE_METHOD = 2;

/** The SourceCodeInfo path of a descriptor (undefined if it cannot be placed). */
function sourcePath(desc: DescMessage | DescField | DescEnum | DescService | DescMethod): number[] | undefined {
  switch (desc.kind) {
    case "message":
      return messagePath(desc);
    case "field": {
      const parent = messagePath(desc.parent);
      return parent && [...parent, MESSAGE_FIELD, desc.parent.proto.field.indexOf(desc.proto)];
    }
    case "enum": {
      if (desc.parent === undefined) return [FILE_ENUM, desc.file.proto.enumType.indexOf(desc.proto)];
      const parent = messagePath(desc.parent);
      return parent && [...parent, MESSAGE_ENUM, desc.parent.proto.enumType.indexOf(desc.proto)];
    }
    case "service":
      return [FILE_SERVICE, desc.file.proto.service.indexOf(desc.proto)];
    case "rpc":
      return [FILE_SERVICE, desc.parent.file.proto.service.indexOf(desc.parent.proto), SERVICE_METHOD, desc.parent.proto.method.indexOf(desc.proto)];
  }
}

function messagePath(m: DescMessage): number[] | undefined {
  if (m.parent === undefined) return [FILE_MESSAGE, m.file.proto.messageType.indexOf(m.proto)];
  const parent = messagePath(m.parent);
  return parent && [...parent, MESSAGE_NESTED, m.parent.proto.nestedType.indexOf(m.proto)];
}
