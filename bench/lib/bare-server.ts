#!/usr/bin/env bun
/**
 * The baseline of the read benchmark: a bare `Bun.serve` JSON-RPC endpoint in its own process
 * that parses each request and answers with the same bytes the gateway answered for that method
 * (a JSON file `{ method: responseText }`, argv[2]). Prints its port on stdout.
 */
const answers = (await Bun.file(process.argv[2]!).json()) as Record<string, string>;
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const body = (await req.json()) as { method: string; id: unknown };
    const text = answers[body.method] ?? JSON.stringify({ jsonrpc: "2.0", id: body.id, error: { code: -32601, message: "method not found" } });
    return new Response(text, { headers: { "content-type": "application/json" } });
  },
});
console.log(server.port);
export {};
