/** A layer's contribution: values for leaf paths, each remembering where it came from. */

/** Where a value came from, for error messages. */
export type ValueSource =
  | { kind: "defaults" }
  | { kind: "file"; file: string; key: string }
  | { kind: "env"; name: string }
  | { kind: "flag"; name: string };

/** One value set by a layer. */
export interface LayerEntry {
  /** camelCase leaf path. */
  path: string[];
  value: unknown;
  source: ValueSource;
}

/** `env CAIRN_CHAIN_X`, `flag --x`, `file cairn.yaml (chain.x)`, `defaults`. */
export function describeSource(source: ValueSource): string {
  switch (source.kind) {
    case "defaults":
      return "defaults";
    case "file":
      return `file ${source.file} (${source.key})`;
    case "env":
      return `env ${source.name}`;
    case "flag":
      return `flag ${source.name}`;
  }
}
