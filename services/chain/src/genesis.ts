/**
 * Genesis: the initial state, from a Koinos-style genesis file or generated from a dev seed.
 * Dev genesis (anvil-style): the genesis (block-signing) key is sha256("<seed> producer") and
 * dev account i has private key sha256("<seed> <i>") — koilib's `Signer.fromSeed("<seed> <i>")` —
 * each funded with KOIN. Nothing time-dependent goes in, so the same seed gives the same chain id.
 */
import { readFileSync } from "node:fs";
import { fromBase64url, utf8 } from "@cairn/core";
import { protocol } from "@cairn/proto";
import {
  METADATA_KEYS,
  addressFromPrivateKey,
  addressToBase58,
  chainIdFromGenesis,
  privateKeyFromSeed,
  privateKeyToWif,
  sha256Multihash,
} from "@cairn/protocol";
import { koinGenesisObjects } from "./contracts/koin.ts";
import { SPACES } from "./contracts/spaces.ts";
import { EMPTY_STATE_ROOT, nextStateRoot } from "./state/merkle.ts";
import { type StateChange, stateKey } from "./state/state.ts";

/** Koinos genesis defaults (koinos/koinos config/genesis_data.json). */
export const DEFAULT_RESOURCE_LIMITS: protocol.ResourceLimitData = {
  disk_storage_limit: 409_600n,
  disk_storage_cost: 10n,
  network_bandwidth_limit: 1_048_576n,
  network_bandwidth_cost: 5n,
  compute_bandwidth_limit: 100_000_000n,
  compute_bandwidth_cost: 1n,
};

export interface DevAccount {
  index: number;
  privateKey: Uint8Array;
  address: Uint8Array;
  addressBase58: string;
  wif: string;
}

export interface DevGenesisOptions {
  seed: string;
  /** Number of funded accounts. */
  accounts: number;
  /** KOIN each account holds, in satoshis (8 decimals). */
  balance: bigint;
  koinId: Uint8Array;
  resourceLimits?: protocol.ResourceLimitData;
  /**
   * KOIN the genesis key itself holds, in satoshis. Default 0. A dev node gives it
   * {@link DEV_GENESIS_KEY_BALANCE} so the genesis key has the mana to pay for its own
   * transactions (mint, set_balance of the dev controls).
   */
  genesisKeyBalance?: bigint;
}

/** KOIN the dev node's genesis key holds: 100 KOIN, mana for thousands of dev mint/burn transactions. */
export const DEV_GENESIS_KEY_BALANCE = 10_000_000_000n;

export interface DevGenesis {
  genesis: protocol.GenesisData;
  producerKey: Uint8Array;
  producerAddress: Uint8Array;
  accounts: DevAccount[];
}

export function devAccount(seed: string, index: number): DevAccount {
  const privateKey = privateKeyFromSeed(`${seed} ${index}`);
  const address = addressFromPrivateKey(privateKey);
  return { index, privateKey, address, addressBase58: addressToBase58(address), wif: privateKeyToWif(privateKey) };
}

export function devGenesis(opts: DevGenesisOptions): DevGenesis {
  const producerKey = privateKeyFromSeed(`${opts.seed} producer`);
  const producerAddress = addressFromPrivateKey(producerKey);
  const accounts = Array.from({ length: opts.accounts }, (_, i) => devAccount(opts.seed, i));
  const entries: protocol.GenesisEntry[] = [
    ...systemEntries(producerAddress, opts.resourceLimits ?? DEFAULT_RESOURCE_LIMITS),
    ...nativeContractEntries(opts.koinId, "koin"),
    ...koinGenesisObjects(
      opts.koinId,
      [...accounts.map((a) => ({ address: a.address, balance: opts.balance })), ...((opts.genesisKeyBalance ?? 0n) > 0n ? [{ address: producerAddress, balance: opts.genesisKeyBalance! }] : [])],
      0n,
    ),
  ];
  return { genesis: protocol.GenesisData.fromPartial({ entries }), producerKey, producerAddress, accounts };
}

/** Metadata objects every chain needs: genesis key, resource limits, max account resources. */
export function systemEntries(genesisAddress: Uint8Array, limits: protocol.ResourceLimitData): protocol.GenesisEntry[] {
  return [
    { space: SPACES.metadata, key: METADATA_KEYS.genesisKey, value: genesisAddress },
    { space: SPACES.metadata, key: METADATA_KEYS.resourceLimitData, value: protocol.ResourceLimitData.encode(limits).finish() },
    { space: SPACES.metadata, key: METADATA_KEYS.maxAccountResources, value: protocol.MaxAccountResources.encode({ value: 10_000_000n }).finish() },
  ];
}

/** Metadata and system name of a native contract. */
export function nativeContractEntries(address: Uint8Array, name: string): protocol.GenesisEntry[] {
  const meta = protocol.ContractMetadataObject.fromPartial({ hash: sha256Multihash(utf8(`cairn native contract: ${name}`)), system: true });
  return [
    { space: SPACES.contractMetadata, key: address, value: protocol.ContractMetadataObject.encode(meta).finish() },
    { space: SPACES.contractName, key: utf8(name), value: address },
  ];
}

/** Reads a Koinos genesis JSON file: `{"entries":[{"space":{system,zone,id},"key":"<base64>","value":"<base64>"}]}`. */
export function loadGenesisFile(path: string): protocol.GenesisData {
  const json = JSON.parse(readFileSync(path, "utf8")) as { entries?: { space?: { system?: boolean; zone?: string; id?: number }; key?: string; value?: string }[] };
  // Koinos genesis files use standard base64; accept URL-safe too.
  const b64 = (s: string | undefined) => (s ? fromBase64url(s.replace(/\+/g, "-").replace(/\//g, "_")) : new Uint8Array());
  return protocol.GenesisData.fromPartial({
    entries: (json.entries ?? []).map((e) => ({
      space: { system: e.space?.system ?? false, zone: b64(e.space?.zone), id: e.space?.id ?? 0 },
      key: b64(e.key),
      value: b64(e.value),
    })),
  });
}

/** Genesis as state changes (sorted), its state root and the chain id. */
export function genesisState(genesis: protocol.GenesisData): { changes: StateChange[]; stateRoot: Uint8Array; chainId: Uint8Array } {
  const changes = genesis.entries
    .map((e) => ({ space: e.space ?? protocol.ObjectSpace.create(), key: e.key, value: e.value }))
    .sort((a, b) => {
      const ka = stateKey(a.space, a.key);
      const kb = stateKey(b.space, b.key);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  return { changes, stateRoot: nextStateRoot(EMPTY_STATE_ROOT, changes), chainId: chainIdFromGenesis(genesis) };
}
