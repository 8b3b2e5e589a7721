# syntax=docker/dockerfile:1.7
#
# One image for every Cairn service. The container's command picks the service:
#
#   docker run --rm cairn bun services/chain/src/main.ts --nats-url nats://… --database-url postgres://…
#
# compose.yaml runs each service from this image with its own command. Without a command the
# image prints the list. Build: `docker build -t cairn .` (or `docker compose build`).
#
# Stages: `deps` installs the workspace's dependencies from its manifests alone (cached until a
# package.json or bun.lock changes); `build` adds the sources and runs the full install, whose
# postinstall generates packages/proto/gen with the workspace's buf (@bufbuild/buf from npm) and
# ts-proto; `runtime` is production dependencies, sources and the generated code.

ARG BUN_VERSION=1.4.4

# Only package.json files, bun.lock and bunfig.toml, in their folders.
FROM oven/bun:${BUN_VERSION} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name bun.lock ! -name bunfig.toml -delete \
 && find . -type d -empty -delete

FROM oven/bun:${BUN_VERSION} AS deps
WORKDIR /app
COPY --from=manifests /src/ ./
RUN bun install --frozen-lockfile --ignore-scripts

FROM deps AS build
COPY . .
# Runs the root postinstall (scripts/generate.ts): buf generate + buf build → packages/proto/gen.
RUN bun install --frozen-lockfile \
 && test -f packages/proto/gen/index.ts

FROM oven/bun:${BUN_VERSION} AS runtime
WORKDIR /app
COPY --from=manifests /src/ ./
RUN bun install --frozen-lockfile --production --ignore-scripts
COPY . .
COPY --from=build /app/packages/proto/gen packages/proto/gen
# Services without DATABASE_URL keep PGlite data under ./data; the image runs as `bun`, not root.
RUN mkdir -p /app/data && chown bun:bun /app/data
USER bun

# gateway HTTP; gRPC chain, block-store, mempool, account-history, block-producer; their /metrics.
EXPOSE 8080 50051 50052 50053 50054 50055 9451 9452 9453 9454 9455

COPY <<'EOF' /app/USAGE.txt
Cairn: one image, one service per container. Run one of:

  bun services/chain/src/main.ts                 cairn-chain            gRPC 50051, metrics 9451
  bun services/block-store/src/main.ts           cairn-block-store      gRPC 50052, metrics 9452
  bun services/mempool/src/main.ts               cairn-mempool          gRPC 50053, metrics 9453
  bun services/account-history/src/main.ts       cairn-account-history  gRPC 50054, metrics 9454
  bun services/block-producer/src/main.ts        cairn-block-producer   gRPC 50055, metrics 9455
  bun gateway/src/main.ts                        cairn-gateway          HTTP 8080 (/health, /metrics)
  bun cli/src/main.ts dev --host 0.0.0.0         the one-process dev node (PGlite, in-process bus)

  bun cli/src/main.ts rebuild account-history    rebuild account history from the block store
  bun scripts/healthcheck.ts grpc <host:port>    exit 0 when a service reports SERVING
  bun scripts/healthcheck.ts http <url>          exit 0 on HTTP 200

Configuration: DATABASE_URL, NATS_URL, LOG_LEVEL, CAIRN_<SERVICE>_<KEY> variables, flags, or a
file given by --config / CAIRN_CONFIG (see config.example.yaml and docs/operations.md).
EOF
CMD ["cat", "/app/USAGE.txt"]
