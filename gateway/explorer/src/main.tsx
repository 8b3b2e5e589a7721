/**
 * The Cairn explorer: the chain as a page, from the gateway's REST routes and its WebSocket.
 * Hash routes (the gateway serves one page): `#/` head with the latest blocks and transactions
 * (live), `#/block/<height|id>`, `#/tx/<id>`, `#/account/<address>`, `#/id/<0x…>` (a transaction
 * or a block id, whichever exists).
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type Json, koin, live, operation, rest, searchTarget, short, time } from "./api.ts";

interface Config {
  koinContractId: string;
  decimals: number;
}

const link = (href: string, text: string, testId?: string) => (
  <a href={href} data-testid={testId}>
    {text}
  </a>
);

function useRoute(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
}

/** Loads `load()` again whenever `key` changes; `undefined` while loading, `null` when not found. */
function useLoad<T>(key: string, load: () => Promise<T | undefined>): { value: T | null | undefined; error: string | undefined } {
  const [state, setState] = useState<{ key: string; value: T | null | undefined; error?: string }>({ key, value: undefined });
  useEffect(() => {
    let on = true;
    setState({ key, value: undefined });
    load().then(
      (v) => on && setState({ key, value: v ?? null }),
      (e: Error) => on && setState({ key, value: null, error: e.message }),
    );
    return () => void (on = false);
  }, [key]);
  return state.key === key ? { value: state.value, error: state.error } : { value: undefined, error: undefined };
}

function Events({ events }: { events: Json[] | undefined }) {
  if (!events || events.length === 0) return <p class="muted">no events</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>#</th>
          <th>event</th>
          <th>source</th>
          <th>data</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr data-testid="event">
            <td>{e.sequence ?? 0}</td>
            <td>{e.name}</td>
            <td>{link(`#/account/${e.source}`, short(e.source, 8, 4))}</td>
            <td>
              {e.decoded ? <code data-testid="event-decoded">{JSON.stringify(e.decoded)}</code> : <code class="muted">{e.data ?? ""} (raw)</code>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Home({ config }: { config: Config }) {
  const [head, setHead] = useState<Json | undefined>();
  const [blocks, setBlocks] = useState<Json[]>([]);
  const [txs, setTxs] = useState<{ tx: Json; receipt?: Json; height: string }[]>([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    let on = true;
    void (async () => {
      const h = await rest("/v1/head");
      if (!on || !h) return;
      setHead(h);
      const height = Number(h.head_topology?.height ?? 0);
      if (height > 0) {
        const from = Math.max(1, height - 9);
        const page = await rest(`/v1/blocks?from=${from}&count=${height - from + 1}`);
        if (!on || !page) return;
        const items = (page.block_items as Json[]).reverse();
        setBlocks((cur) => (cur.length > 0 ? cur : items.map((i) => ({ block: i.block, receipt: i.receipt }))));
        setTxs((cur) =>
          cur.length > 0
            ? cur
            : items.flatMap((i) => ((i.block?.transactions ?? []) as Json[]).map((tx) => ({ tx, receipt: (i.receipt?.transaction_receipts as Json[] | undefined)?.find((r) => r.id === tx.id), height: i.block_height }))).slice(0, 20),
        );
      }
    })();
    const stop = live(
      ["blocks"],
      (msg) => {
        if (msg.type !== "block" || !msg.head) return;
        const b = msg.data as Json;
        setHead((h) => ({ ...h, head_topology: { id: msg.id, height: msg.height, previous: b.block?.header?.previous } }));
        setBlocks((cur) => [b, ...cur.filter((x) => x.block?.id !== msg.id)].slice(0, 10));
        const fresh = ((b.block?.transactions ?? []) as Json[]).map((tx) => ({ tx, receipt: (b.receipt?.transaction_receipts as Json[] | undefined)?.find((r) => r.id === tx.id), height: String(msg.height) }));
        if (fresh.length > 0) setTxs((cur) => [...fresh.reverse(), ...cur].slice(0, 20));
      },
      setConnected,
    );
    return () => {
      on = false;
      stop();
    };
  }, []);
  return (
    <>
      <section class="cards">
        <div class="card">
          <div class="label">head</div>
          <div class="big" data-testid="head-height">
            {head?.head_topology?.height ?? "…"}
          </div>
          <div class="muted">{short(head?.head_topology?.id)}</div>
        </div>
        <div class="card">
          <div class="label">irreversible</div>
          <div class="big">{head?.last_irreversible_block ?? "0"}</div>
        </div>
        <div class="card">
          <div class="label">KOIN</div>
          <div>{link(`#/account/${config.koinContractId}`, short(config.koinContractId, 8, 6))}</div>
          <div class="muted">{config.decimals} decimals</div>
        </div>
        <div class="card">
          <div class="label">live</div>
          <div data-testid="live-state" class={connected ? "ok" : "bad"}>
            {connected ? "connected" : "connecting…"}
          </div>
        </div>
      </section>
      <section class="columns">
        <div>
          <h2>Latest blocks</h2>
          <table data-testid="blocks">
            <tbody>
              {blocks.map((b) => (
                <tr>
                  <td>{link(`#/block/${b.block?.header?.height}`, `#${b.block?.header?.height}`)}</td>
                  <td>{link(`#/block/${b.block?.id}`, short(b.block?.id))}</td>
                  <td>{(b.block?.transactions ?? []).length} tx</td>
                  <td class="muted">{time(b.block?.header?.timestamp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          <h2>Latest transactions</h2>
          <table data-testid="transactions">
            <tbody>
              {txs.map(({ tx, receipt, height }) => (
                <tr data-testid="tx-row" data-tx={tx.id}>
                  <td>{link(`#/tx/${tx.id}`, short(tx.id), "tx-link")}</td>
                  <td>{link(`#/account/${tx.header?.payer}`, short(tx.header?.payer, 6, 4))}</td>
                  <td>{((tx.operations ?? []) as Json[]).map((op) => operation(op, config.koinContractId)).join(", ")}</td>
                  <td class={receipt?.reverted ? "bad" : "muted"}>{receipt?.reverted ? "reverted" : `#${height}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

function Block({ which, config }: { which: string; config: Config }) {
  const { value: item, error } = useLoad(which, () => rest(/^\d+$/.test(which) ? `/v1/blocks/${which}` : `/v1/blocks/id/${which}`));
  if (item === undefined) return <p>loading…</p>;
  if (item === null) return <p class="bad">{error ?? `no block ${which}`}</p>;
  const b = item.block as Json;
  const receipts = new Map(((item.receipt?.transaction_receipts ?? []) as Json[]).map((r) => [r.id, r]));
  return (
    <>
      <h2 data-testid="block-title">Block {item.block_height}</h2>
      <dl>
        <dt>id</dt>
        <dd>
          <code>{item.block_id}</code>
        </dd>
        <dt>previous</dt>
        <dd>{link(`#/block/${b.header?.previous}`, b.header?.previous ?? "")}</dd>
        <dt>time</dt>
        <dd>{time(b.header?.timestamp)}</dd>
        <dt>signer</dt>
        <dd>{link(`#/account/${b.header?.signer}`, b.header?.signer ?? "")}</dd>
      </dl>
      <h3>Transactions</h3>
      <table>
        <tbody>
          {((b.transactions ?? []) as Json[]).map((tx) => (
            <tr>
              <td>{link(`#/tx/${tx.id}`, short(tx.id))}</td>
              <td>{((tx.operations ?? []) as Json[]).map((op) => operation(op, config.koinContractId)).join(", ")}</td>
              <td>rc {receipts.get(tx.id)?.rc_used ?? "?"}</td>
              <td class={receipts.get(tx.id)?.reverted ? "bad" : ""}>{receipts.get(tx.id)?.reverted ? "reverted" : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Block events</h3>
      <Events events={item.receipt?.events} />
    </>
  );
}

function Transaction({ id, config }: { id: string; config: Config }) {
  const { value, error } = useLoad(id, async () => {
    const item = await rest(`/v1/transactions/${id}`);
    if (!item) return undefined;
    const blockId = (item.containing_blocks as string[] | undefined)?.[0];
    const block = blockId ? await rest(`/v1/blocks/id/${blockId}`) : undefined;
    const receipt = ((block?.receipt?.transaction_receipts ?? []) as Json[]).find((r) => r.id === id);
    return { tx: item.transaction as Json, block, receipt };
  });
  if (value === undefined) return <p>loading…</p>;
  if (value === null) return <p class="bad">{error ?? `no transaction ${id}`}</p>;
  const { tx, block, receipt } = value;
  return (
    <>
      <h2 data-testid="tx-title">Transaction</h2>
      <dl>
        <dt>id</dt>
        <dd>
          <code data-testid="tx-id">{tx.id}</code>
        </dd>
        <dt>block</dt>
        <dd>{block ? link(`#/block/${block.block_height}`, `#${block.block_height}`) : "?"}</dd>
        <dt>payer</dt>
        <dd>{link(`#/account/${tx.header?.payer}`, tx.header?.payer ?? "")}</dd>
        <dt>operations</dt>
        <dd>{((tx.operations ?? []) as Json[]).map((op) => operation(op, config.koinContractId)).join(", ")}</dd>
        <dt>status</dt>
        <dd data-testid="tx-status" class={receipt?.reverted ? "bad" : "ok"}>
          {receipt ? (receipt.reverted ? "reverted" : "applied") : "?"}
        </dd>
        <dt>rc used / limit</dt>
        <dd>
          {receipt?.rc_used ?? "?"} / {tx.header?.rc_limit ?? "?"}
        </dd>
      </dl>
      <h3>Events</h3>
      <Events events={receipt?.events} />
      {receipt?.logs?.length ? (
        <>
          <h3>Logs</h3>
          <pre>{(receipt.logs as string[]).join("\n")}</pre>
        </>
      ) : null}
      <h3>Receipt</h3>
      <pre data-testid="receipt">{JSON.stringify(receipt ?? {}, null, 2)}</pre>
    </>
  );
}

function Account({ address, config }: { address: string; config: Config }) {
  const { value, error } = useLoad(address, async () => {
    const [balance, rc, nonce, history] = await Promise.all([
      rest(`/v1/accounts/${address}/balance`),
      rest(`/v1/accounts/${address}/rc`),
      rest(`/v1/accounts/${address}/nonce`),
      rest(`/v1/accounts/${address}/history?limit=20`).catch(() => ({ values: [] })),
    ]);
    return { balance, rc, nonce, history };
  });
  if (value === undefined) return <p>loading…</p>;
  if (value === null) return <p class="bad">{error ?? `no account ${address}`}</p>;
  return (
    <>
      <h2>Account</h2>
      <dl>
        <dt>address</dt>
        <dd>
          <code>{address}</code>
        </dd>
        <dt>KOIN balance</dt>
        <dd data-testid="balance">{koin(value.balance?.value, config.decimals)} KOIN</dd>
        <dt>mana (rc)</dt>
        <dd data-testid="mana">{koin(value.rc?.rc, config.decimals)}</dd>
        <dt>nonce</dt>
        <dd>{value.nonce?.value ?? "0"}</dd>
      </dl>
      <h3>History</h3>
      <table data-testid="history">
        <tbody>
          {((value.history?.values ?? []) as Json[]).map((e) =>
            e.trx ? (
              <tr>
                <td>{e.seq_num ?? "0"}</td>
                <td>{link(`#/tx/${e.trx.transaction?.id}`, short(e.trx.transaction?.id))}</td>
                <td>{((e.trx.transaction?.operations ?? []) as Json[]).map((op) => operation(op, config.koinContractId)).join(", ")}</td>
                <td>{((e.trx.receipt?.events ?? []) as Json[]).map((ev) => (ev.decoded?.value ? `${ev.name} ${koin(ev.decoded.value, config.decimals)} KOIN` : ev.name)).join("; ")}</td>
              </tr>
            ) : (
              <tr>
                <td>{e.seq_num ?? "0"}</td>
                <td>{link(`#/block/${e.block?.header?.height}`, `block #${e.block?.header?.height}`)}</td>
                <td colSpan={2}>{((e.block?.receipt?.events ?? []) as Json[]).map((ev) => ev.name).join("; ")}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </>
  );
}

/** `#/id/0x…`: a transaction id or a block id. */
function ById({ id }: { id: string }) {
  const { value } = useLoad(id, async () => ((await rest(`/v1/transactions/${id}`)) ? `#/tx/${id}` : (await rest(`/v1/blocks/id/${id}`)) ? `#/block/${id}` : undefined));
  useEffect(() => {
    if (value) location.replace(value);
  }, [value]);
  return value === null ? <p class="bad">no transaction or block {id}</p> : <p>searching…</p>;
}

function App({ config }: { config: Config }) {
  const route = useRoute();
  const [query, setQuery] = useState("");
  const [bad, setBad] = useState(false);
  const search = (e: Event) => {
    e.preventDefault();
    const target = searchTarget(query);
    setBad(target === undefined);
    if (target) location.hash = target;
  };
  let page;
  if (route[0] === "block" && route[1]) page = <Block which={route[1]} config={config} />;
  else if (route[0] === "tx" && route[1]) page = <Transaction id={route[1]} config={config} />;
  else if (route[0] === "account" && route[1]) page = <Account address={route[1]} config={config} />;
  else if (route[0] === "id" && route[1]) page = <ById id={route[1]} />;
  else page = <Home config={config} />;
  return (
    <>
      <header>
        <a href="#/" class="brand">
          Cairn explorer
        </a>
        <form onSubmit={search}>
          <input data-testid="search" placeholder="block height, block or transaction id, address" value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} class={bad ? "bad" : ""} />
          <button type="submit">search</button>
        </form>
      </header>
      <main>{page}</main>
    </>
  );
}

const config = (await rest("/explorer/config.json")) as Config;
render(<App config={config} />, document.getElementById("app")!);
