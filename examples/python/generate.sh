#!/usr/bin/env bash
# Generates Python messages (*_pb2.py) and gRPC stubs (*_pb2_grpc.py) for every file under
# proto/cairn into examples/python/gen, from scratch.
#
# Two steps, because Debian's python3-grpc-tools bundles protoc 3.5.1, which predates proto3
# `optional` (used by Cairn's contracts) and cannot parse proto/ itself:
#   1. `buf build` (the workspace's buf, from `bun install`) compiles proto/ into one image
#      (a FileDescriptorSet including imports);
#   2. grpc_tools' protoc generates Python from that image (`--descriptor_set_in`), which needs
#      no parsing.
#
# Environment: PYTHON (default /usr/bin/python3, Debian's, where python3-grpcio and
# python3-grpc-tools live), BUF (default <repo>/node_modules/.bin/buf).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"
buf="${BUF:-$root/node_modules/.bin/buf}"
out="$here/gen"

if [ ! -x "$buf" ]; then
  echo "generate.sh: buf not found at $buf; run 'bun install' at the repository root" >&2
  exit 1
fi
if ! "$python" -c 'import grpc, grpc_tools.protoc' 2>/dev/null; then
  echo "generate.sh: $python lacks grpc or grpc_tools; install Debian's python3-grpcio and python3-grpc-tools" >&2
  exit 1
fi

image="$(mktemp "${TMPDIR:-/tmp}/cairn-proto.XXXXXX.binpb")"
trap 'rm -f "$image"' EXIT
(cd "$root" && "$buf" build -o "$image")

mapfile -t files < <(cd "$root/proto" && find cairn -name '*.proto' | LC_ALL=C sort)
rm -rf "$out"
mkdir -p "$out"
# grpc_tools.protoc's command line adds its own -I, which protoc refuses next to
# --descriptor_set_in, so its entry point is called directly.
"$python" - "$image" "$out" "${files[@]}" <<'PY'
import sys
from grpc_tools import protoc

image, out, *files = sys.argv[1:]
args = ["protoc", f"--descriptor_set_in={image}", f"--python_out={out}", f"--grpc_python_out={out}", *files]
sys.exit(protoc.main(args))
PY
echo "generate.sh: ${#files[@]} proto files → ${out#"$root"/}"
