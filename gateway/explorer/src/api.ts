/** What the explorer reads: the gateway's REST routes and its WebSocket, from the same origin. */

export type Json = Record<string, any>;

/** GET a REST route; undefined on 404. */
export async function rest(path: string): Promise<Json | undefined> {
  const res = await fetch(path, { headers: { accept: "application/json" } });
  if (res.status === 404) return undefined;
  const body = (await res.json()) as Json;
  if (!res.ok) throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`);
  return body;
}

/** A live feed of the gateway's WebSocket topics; reconnects after a drop. */
export function live(topics: string[], onMessage: (msg: Json) => void, onState: (open: boolean) => void): () => void {
  let socket: WebSocket | undefined;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connect = () => {
    socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
    socket.onopen = () => {
      onState(true);
      for (const topic of topics) socket!.send(JSON.stringify({ op: "subscribe", topic }));
    };
    socket.onmessage = (e) => onMessage(JSON.parse(String(e.data)) as Json);
    socket.onclose = () => {
      onState(false);
      if (!stopped) retry = setTimeout(connect, 1000);
    };
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    socket?.close();
  };
}

/** KOIN amounts: satoshis (string) at 8 decimals → "1,234.5". */
export function koin(value: string | undefined, decimals = 8): string {
  const v = BigInt(value ?? "0");
  const unit = 10n ** BigInt(decimals);
  const frac = (v % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return `${(v / unit).toLocaleString("en-US")}${frac ? `.${frac}` : ""}`;
}

/** "0x1220abcd…ef01" */
export function short(id: string | undefined, head = 10, tail = 6): string {
  if (!id) return "";
  return id.length <= head + tail + 1 ? id : `${id.slice(0, head)}…${id.slice(-tail)}`;
}

/** Block time (ms, string) → local time. */
export function time(ms: string | undefined): string {
  return ms ? new Date(Number(ms)).toLocaleString() : "";
}

/** The KOIN operation names by entry point, for readable operations. */
const KOIN_METHODS: Record<number, string> = { 0x27f576ca: "transfer", 0xdc6f17bb: "mint", 0x859facc5: "burn", 0x74e21680: "approve" };

/** One operation as a short phrase. */
export function operation(op: Json, koinId: string): string {
  if (op.call_contract) {
    const c = op.call_contract;
    const ep = Number(c.entry_point ?? 0);
    if (c.contract_id === koinId) return `KOIN.${KOIN_METHODS[ep] ?? `0x${ep.toString(16)}`}`;
    return `${short(c.contract_id, 8, 4)}:0x${ep.toString(16).padStart(8, "0")}`;
  }
  if (op.upload_contract) return `upload ${short(op.upload_contract.contract_id, 8, 4)}`;
  if (op.set_system_call) return `set_system_call ${op.set_system_call.call_id}`;
  if (op.set_system_contract) return "set_system_contract";
  return "?";
}

/** What a search box entry names. */
export function searchTarget(q: string): string | undefined {
  const s = q.trim();
  if (/^\d+$/.test(s)) return `#/block/${s}`;
  if (/^0x[0-9a-fA-F]+$/.test(s)) return `#/id/${s.toLowerCase()}`;
  if (/^[1-9A-HJ-NP-Za-km-z]{25,40}$/.test(s)) return `#/account/${s}`;
  return undefined;
}
