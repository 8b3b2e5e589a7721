/**
 * `POST /v1/rpc/<service>/<method>`: every table method as a REST route, generated from the same
 * table as JSON-RPC. The body is the method's params (Koinos JSON object; empty body = empty
 * request); the answer is its result, or a REST error.
 */
import type { Hono } from "hono";
import type { GatewayEnv } from "../hono-env.ts";
import { restJsonResponse } from "../responses.ts";
import { readBody } from "../middleware/body.ts";
import { badRequest, notFound, type RestCaller } from "./call.ts";
import { restError, RestErrorCode } from "./errors.ts";
import type { MethodTable } from "../table/method-table.ts";

/** Registers the generic RPC routes. */
export function registerRpcRoutes(app: Hono<GatewayEnv>, options: { readonly maxBodyBytes: number }, deps: { readonly rest: RestCaller; readonly table: MethodTable }): void {
  const { rest, table } = deps;
  app.post("/v1/rpc/:service/:method", (c) => {
    const service = c.req.param("service");
    const name = c.req.param("method");
    const known = table.get(service, name);
    return rest.run(c, known === undefined ? "POST /v1/rpc/unknown" : `POST /v1/rpc/${known.name}`, async () => {
      if (known === undefined) return notFound(`no method ${service}.${name}`);
      const read = await readBody(c.req.raw, options.maxBodyBytes);
      if (!read.ok) {
        return read.reason === "too_large"
          ? restError(413, RestErrorCode.BodyTooLarge, `request body exceeds ${options.maxBodyBytes} bytes`)
          : badRequest("request body could not be read");
      }
      let params: unknown;
      if (read.text.trim() !== "") {
        try {
          params = JSON.parse(read.text);
        } catch {
          return badRequest("body must be a JSON object");
        }
        if (typeof params !== "object" || params === null || Array.isArray(params)) return badRequest("body must be a JSON object");
      }
      return restJsonResponse(JSON.stringify(await rest.json(service, name, params)));
    });
  });
}
