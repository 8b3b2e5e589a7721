/**
 * The gRPC face of the chain: `cairn.chain.v1.ChainService` and
 * `cairn.contract_meta_store.v1.ContractMetaStoreService` (protocol §3.1, §3.6). Thin: every
 * method validates its request shape and delegates to the Chain controller.
 */
import { chain as chainPb, contract_meta_store, p2p } from "@cairn/proto";
import type { ServiceImplementation } from "@cairn/rpc";
import type { Chain } from "./chain.ts";
import { ChainError } from "./execution/errors.ts";
import { topology } from "./fork-tree.ts";
import { invokeSystemCall } from "./system-calls.ts";

export type ChainServiceImpl = ServiceImplementation<typeof chainPb.ChainServiceDefinition>;
export type ContractMetaStoreImpl = ServiceImplementation<typeof contract_meta_store.ContractMetaStoreServiceDefinition>;

/** Koinos's `missing expected field: <f>` (code -1002, data `{"f":…}`). */
const requireField = (ok: boolean, f: string) => {
  if (!ok) throw ChainError.of("missing_field", { f });
};

export function createChainService(chain: Chain): ChainServiceImpl {
  return {
    async submitBlock(req) {
      requireField(req.block !== undefined, "block");
      const receipt = await chain.submitBlock(req.block!);
      return { receipt };
    },
    async submitTransaction(req) {
      requireField(req.transaction !== undefined, "transaction");
      const receipt = await chain.submitTransaction(req.transaction!, req.broadcast);
      return { receipt };
    },
    getHeadInfo() {
      const { head, lib } = chain.headInfo();
      return { head_topology: topology(head), last_irreversible_block: lib.height, head_state_merkle_root: head.stateRoot, head_block_time: head.timestamp };
    },
    getChainId() {
      return { chain_id: chain.rules.chainId };
    },
    getForkHeads() {
      const f = chain.forkHeads();
      return { last_irreversible_block: f.last_irreversible_block, fork_heads: f.heads };
    },
    readContract(req) {
      requireField(req.contract_id.length > 0, "contract_id");
      return chain.readContract(req.contract_id, req.entry_point, req.args);
    },
    getAccountNonce(req) {
      requireField(req.account.length > 0, "account");
      return { nonce: chain.accountNonce(req.account) };
    },
    getAccountRc(req) {
      // Koinos names the field `payer` here (controller get_account_rc).
      requireField(req.account.length > 0, "payer");
      return { rc: chain.accountRc(req.account) };
    },
    getResourceLimits() {
      return { resource_limit_data: chain.resourceLimits() };
    },
    invokeSystemCall(req) {
      return { value: invokeSystemCall(chain, req.id, req.name, req.args) };
    },
    async proposeBlock(req) {
      requireField(req.block !== undefined, "block");
      const r = await chain.proposeBlock(req.block!);
      return { receipt: r.receipt, failed_transaction_indices: r.failed.map((f) => f.index) };
    },
  };
}

export function createContractMetaStoreService(chain: Chain): ContractMetaStoreImpl {
  return {
    getContractMeta(req) {
      requireField(req.contract_id.length > 0, "contract_id");
      const abi = chain.contractAbi(req.contract_id);
      return { meta: abi === undefined ? undefined : { abi } };
    },
  };
}

type P2pImpl = ServiceImplementation<typeof p2p.P2pServiceDefinition>;

/**
 * `cairn.p2p.v1.P2pService` (koinos.rpc.p2p), hosted by the chain: Cairn has no peer-to-peer
 * network, so gossip is off — what a Koinos node answers while its p2p service does not gossip.
 * Koinos tools that poll `p2p.get_gossip_status` keep working.
 */
export function createP2pService(): P2pImpl {
  return {
    getGossipStatus() {
      return { enabled: false };
    },
  };
}
