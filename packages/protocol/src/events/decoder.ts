/**
 * Contract events decoded where the ABI is known. A contract event carries its name and its
 * argument as protobuf bytes (`EventData.data`); a reader wants the fields. An
 * {@link EventAbiSource} says, per contract, how to turn a named event's bytes into Koinos JSON
 * (the native KOIN contract's is built in; contracts uploaded with an ABI get theirs from the
 * contract meta store). The {@link EventDecoder} asks the sources once per contract and keeps
 * the answer, so decoding on a hot path (every WebSocket delivery) is a map lookup.
 *
 * Decoded events keep every Koinos field (the raw `data` included) and gain `decoded`: the
 * argument as Koinos JSON (64-bit integers as strings, addresses base58).
 */
import { fromBase64url } from "@cairn/core";
import type { JsonCodec, JsonObject } from "../json/index.ts";
import { koinosAbiEvents } from "./koinos-abi.ts";

/** How one contract's events are decoded. */
export interface ContractEventAbi {
  /** The event's argument as Koinos JSON; undefined when the name is not in the ABI. Throws on bad bytes. */
  decode(name: string, data: Uint8Array): JsonObject | undefined;
}

/**
 * Where ABIs come from: the ABI of a contract (base58 id), undefined when this source does not
 * know it. May answer asynchronously (a gRPC call to the contract meta store).
 */
export type EventAbiSource = (contract: string) => ContractEventAbi | undefined | Promise<ContractEventAbi | undefined>;

/** A Koinos JSON event (`EventData`): `source` base58, `name`, `data` base64url. */
export interface EventJson {
  sequence?: number;
  source?: string;
  name?: string;
  data?: string;
  impacted?: string[];
  /** Added by the decoder: the argument as Koinos JSON. */
  decoded?: JsonObject;
}

export interface EventDecoder {
  /**
   * The argument of `name` emitted by `contract`, when that contract's ABI is already known;
   * otherwise undefined, and a look-up is started so later events of the contract decode.
   */
  decode(contract: string, name: string, data: Uint8Array): JsonObject | undefined;
  /** Waits until the contract's ABI has been looked up (every source asked once). */
  resolve(contract: string): Promise<void>;
  /**
   * Adds `decoded` to every event found in `json` (objects inside an `events` array, and an
   * `event` object, at any depth: receipts, blocks, event parcels, history entries), in place.
   * Returns `json`. Only ABIs already known are used (see {@link EventDecoder.annotateAsync}).
   */
  annotate<T>(json: T): T;
  /** As `annotate`, after looking up the ABIs of every contract the events come from. */
  annotateAsync<T>(json: T): Promise<T>;
}

export interface EventDecoderOptions {
  /** Asked in order; the first that knows a contract wins. */
  sources: readonly EventAbiSource[];
  /** Contracts whose answer is kept (least recently added dropped first). Default 1000. */
  maxContracts?: number;
  /**
   * How long an answer is kept, ms: a contract uploaded again at the same address may bring a new
   * ABI. Default 60 000.
   */
  maxAgeMs?: number;
  /** Clock, ms. Default `Date.now`. */
  now?: () => number;
}

/** Finds the event objects inside a JSON value (see `annotate`). */
function collectEvents(json: unknown, out: EventJson[]): void {
  if (Array.isArray(json)) {
    for (const v of json) collectEvents(v, out);
    return;
  }
  if (typeof json !== "object" || json === null) return;
  for (const [key, value] of Object.entries(json)) {
    if (key === "events" && Array.isArray(value)) {
      for (const e of value) if (isEvent(e)) out.push(e);
    } else if (key === "event" && isEvent(value)) out.push(value);
    else if (typeof value === "object" && value !== null) collectEvents(value, out);
  }
}

function isEvent(v: unknown): v is EventJson {
  return typeof v === "object" && v !== null && typeof (v as EventJson).source === "string" && typeof (v as EventJson).name === "string";
}

/** Builds the decoder; nothing is looked up until an event of a contract is seen. */
export function createEventDecoder(options: EventDecoderOptions): EventDecoder {
  const max = options.maxContracts ?? 1000;
  const maxAge = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  /** contract → its ABI (null: no source knows it) and when it was learnt. */
  const known = new Map<string, { abi: ContractEventAbi | null; at: number }>();
  const fresh = (contract: string) => {
    const k = known.get(contract);
    return k !== undefined && now() - k.at <= maxAge ? k : undefined;
  };
  const pending = new Map<string, Promise<void>>();

  const remember = (contract: string, abi: ContractEventAbi | null) => {
    known.delete(contract);
    if (known.size >= max) known.delete(known.keys().next().value!);
    known.set(contract, { abi, at: now() });
  };

  /** Asks the sources from `index` on, synchronously while they answer synchronously (built-in ABIs decode the first event). */
  const ask = (contract: string, index: number): Promise<void> | undefined => {
    for (let i = index; i < options.sources.length; i++) {
      let answer: ReturnType<EventAbiSource>;
      try {
        answer = options.sources[i]!(contract);
      } catch {
        return undefined; // asked again next time
      }
      if (answer instanceof Promise) {
        return answer.then(
          (found) => (found ? remember(contract, found) : ask(contract, i + 1)),
          () => undefined, // a source that fails (meta store unreachable) is asked again next time
        );
      }
      if (answer) {
        remember(contract, answer);
        return undefined;
      }
    }
    remember(contract, null);
    return undefined;
  };

  const lookup = (contract: string): Promise<void> => {
    if (fresh(contract)) return Promise.resolve();
    const inFlight = pending.get(contract);
    if (inFlight) return inFlight;
    const p = ask(contract, 0);
    if (p === undefined) return Promise.resolve();
    pending.set(contract, p);
    void p.finally(() => {
      if (pending.get(contract) === p) pending.delete(contract);
    });
    return p;
  };

  const decode = (contract: string, name: string, data: Uint8Array): JsonObject | undefined => {
    if (!fresh(contract)) void lookup(contract);
    const abi = known.get(contract)?.abi;
    if (abi === undefined || abi === null) return undefined;
    try {
      return abi.decode(name, data);
    } catch {
      return undefined;
    }
  };

  const annotateOne = (e: EventJson) => {
    if (e.decoded !== undefined || e.source === undefined || e.name === undefined) return;
    let data: Uint8Array;
    try {
      data = fromBase64url(e.data ?? "");
    } catch {
      return;
    }
    const decoded = decode(e.source, e.name, data);
    if (decoded !== undefined) e.decoded = decoded;
  };

  return {
    decode,
    resolve: lookup,
    annotate(json) {
      const events: EventJson[] = [];
      collectEvents(json, events);
      for (const e of events) annotateOne(e);
      return json;
    },
    async annotateAsync(json) {
      const events: EventJson[] = [];
      collectEvents(json, events);
      await Promise.all([...new Set(events.map((e) => e.source!))].map(lookup));
      for (const e of events) annotateOne(e);
      return json;
    },
  };
}

/**
 * The native KOIN contract's events: `token.<x>_event` carries the `<x>` call's arguments
 * (`cairn.token.v1.TransferArguments`, …; same fields as Koinos' `koinos.contracts.token.*_event`).
 */
export const KOIN_EVENT_TYPES: Readonly<Record<string, string>> = {
  "token.transfer_event": "cairn.token.v1.TransferArguments",
  "token.mint_event": "cairn.token.v1.MintArguments",
  "token.burn_event": "cairn.token.v1.BurnArguments",
  "token.approve_event": "cairn.token.v1.ApproveArguments",
};

/** An ABI whose events are messages the codec knows (generated in @cairn/proto), by event name. */
export function codecEventAbi(codec: JsonCodec, types: Readonly<Record<string, string>>): ContractEventAbi {
  return {
    decode(name, data) {
      const type = types[name];
      if (type === undefined) return undefined;
      const h = codec.forType(type);
      return h.toJson(h.fns.decode(data));
    },
  };
}

/** The source that knows the native KOIN contract at `koinAddress` (base58). */
export function koinAbiSource(codec: JsonCodec, koinAddress: string): EventAbiSource {
  const abi = codecEventAbi(codec, KOIN_EVENT_TYPES);
  return (contract) => (contract === koinAddress ? abi : undefined);
}

/**
 * The source of contracts uploaded with an ABI: `getAbi` reads the ABI text the contract meta
 * store keeps (`contract_meta_store.get_contract_meta`), parsed as a Koinos ABI.
 */
export function contractMetaAbiSource(getAbi: (contract: string) => Promise<string | undefined>): EventAbiSource {
  return async (contract) => {
    const text = await getAbi(contract);
    return text === undefined || text === "" ? undefined : koinosAbiEvents(text);
  };
}
