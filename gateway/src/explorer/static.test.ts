/** The explorer is served to browsers at `GET /`; JSON-RPC keeps `POST /` and non-HTML `GET /`. */
import { expect, test } from "bun:test";
import { createApp } from "../app.ts";
import { createFakeNode, KOIN } from "../testing/fake-node.ts";

const app = createApp({}, { clients: createFakeNode(2).clients });

test("GET / with Accept: text/html answers the page; its assets and config under /explorer/", async () => {
  const page = await app.fetch(new Request("http://x/", { headers: { accept: "text/html,application/xhtml+xml" } }));
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(await page.text()).toContain('<script type="module" src="/explorer/app.js">');
  const js = await app.fetch(new Request("http://x/explorer/app.js"));
  expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect((await js.text()).length).toBeGreaterThan(1000);
  expect(await (await app.fetch(new Request("http://x/explorer/config.json"))).json()).toEqual({ koinContractId: KOIN, decimals: 8 });
  expect((await app.fetch(new Request("http://x/explorer/nope.js"))).status).toBe(404);
});

test("JSON-RPC is unchanged: POST / and a GET / that does not ask for HTML", async () => {
  const post = await app.fetch(new Request("http://x/", { method: "POST", body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "chain.get_chain_id", params: {} }) }));
  expect(((await post.json()) as { result: unknown }).result).toBeDefined();
  const plainGet = await app.fetch(new Request("http://x/"));
  const explorerOff = createApp({ explorer: false }, { clients: createFakeNode(2).clients });
  const offGet = await explorerOff.fetch(new Request("http://x/", { headers: { accept: "text/html" } }));
  // What a GET / answered before the explorer existed, for both.
  expect(plainGet.status).toBe(offGet.status);
  expect(await plainGet.text()).toBe(await offGet.text());
});
