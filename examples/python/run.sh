#!/usr/bin/env bash
# Regenerates the Python stubs from proto/ and runs the example client against a running node.
#
#   examples/python/run.sh [CHAIN BLOCK_STORE ACCOUNT_HISTORY [--address BASE58]]
#
# Addresses default to the standard ports on this host (127.0.0.1:50051, :50052, :50054), which
# both `cairn dev` and `docker compose --profile api up` publish. Exit status is the client's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-/usr/bin/python3}"

"$here/generate.sh"
if [ "$#" -eq 0 ]; then
  set -- 127.0.0.1:50051 127.0.0.1:50052 127.0.0.1:50054
fi
exec "$python" "$here/client.py" "$@"
