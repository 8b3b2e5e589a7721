/**
 * Native KOIN (protocol §5; koinos-contracts-as `koin`): name, symbol, decimals, get_info,
 * total_supply, balance_of, allowance, get_allowances, approve, transfer, mint, burn, plus the
 * chain-internal get_account_rc and consume_account_rc. Mana regenerates linearly to the balance
 * over 5 days and is spent with KOIN (protocol §7). Entry points, argument and result messages,
 * events and their `impacted` lists are Koinos's.
 */
import { bytesEqual, concatBytes } from "@cairn/core";
import { protocol, token } from "@cairn/proto";
import { KoinEntryPoint } from "@cairn/protocol";
import { ChainError } from "../execution/errors.ts";
import { consumeAccountRcArguments, decodeMana, getAccountRcArguments, transferArguments } from "./args-reader.ts";
import type { ContractFrame, NativeContract } from "./runtime.ts";
import { tokenAbi } from "./token-abi.ts";

const SUPPLY_SPACE = 0;
const BALANCES_SPACE = 1;
const ALLOWANCES_SPACE = 2;
const SUPPLY_KEY = new Uint8Array();
/** 5 days, ms: the time mana takes to regenerate fully. */
export const MANA_REGEN_TIME_MS = 432_000_000n;
const U64_MAX = (1n << 64n) - 1n;

export interface KoinOptions {
  name: string;
  symbol: string;
  decimals: number;
  description: string;
  /**
   * Development chains only: the system authority (genesis key) may also burn from any account,
   * which is how the dev controls lower a balance through a transaction. Default false (Koinos:
   * only the owner, an allowance, or kernel mode).
   */
  systemMayBurn?: boolean;
}

export const defaultKoinOptions: KoinOptions = { name: "Koin", symbol: "KOIN", decimals: 8, description: "Koinos native token (Cairn)" };

type Mana = token.ManaBalanceObject;

/** Mana after regeneration up to `now` (pure; the caller decides whether to store it). */
export function regenerate(bal: Mana, now: bigint): Mana {
  const elapsed = now > bal.last_mana_update ? now - bal.last_mana_update : 0n;
  const delta = elapsed < MANA_REGEN_TIME_MS ? elapsed : MANA_REGEN_TIME_MS;
  if (delta === 0n) return bal;
  const mana = bal.mana + (delta * bal.balance) / MANA_REGEN_TIME_MS;
  return { balance: bal.balance, mana: mana < bal.balance ? mana : bal.balance, last_mana_update: now };
}

/** The genesis objects that give `accounts` their KOIN (mana full) and set the supply. */
export function koinGenesisObjects(koinId: Uint8Array, accounts: { address: Uint8Array; balance: bigint }[], now: bigint): protocol.GenesisEntry[] {
  const space = (id: number) => protocol.ObjectSpace.fromPartial({ system: true, zone: koinId, id });
  let supply = 0n;
  const entries: protocol.GenesisEntry[] = [];
  for (const a of accounts) {
    supply += a.balance;
    entries.push({ space: space(BALANCES_SPACE), key: a.address, value: token.ManaBalanceObject.encode({ balance: a.balance, mana: a.balance, last_mana_update: now }).finish() });
  }
  entries.push({ space: space(SUPPLY_SPACE), key: SUPPLY_KEY, value: token.Uint64Result.encode({ value: supply }).finish() });
  return entries;
}

export function createKoinContract(options: KoinOptions = defaultKoinOptions): NativeContract {
  const enc = {
    str: (value: string) => token.StringResult.encode({ value }).finish(),
    u32: (value: number) => token.Uint32Result.encode({ value }).finish(),
    u64: (value: bigint) => token.Uint64Result.encode({ value }).finish(),
    empty: () => token.EmptyResult.encode({}).finish(),
  };

  function readBalance(f: ContractFrame, owner: Uint8Array): Mana {
    const raw = f.getObject(BALANCES_SPACE, owner);
    return raw ? decodeMana(raw) : { balance: 0n, mana: 0n, last_mana_update: 0n };
  }
  function writeBalance(f: ContractFrame, owner: Uint8Array, bal: Mana): void {
    f.putObject(BALANCES_SPACE, owner, token.ManaBalanceObject.encode(bal).finish());
  }
  function readSupply(f: ContractFrame): bigint {
    const raw = f.getObject(SUPPLY_SPACE, SUPPLY_KEY);
    return raw ? token.Uint64Result.decode(raw).value : 0n;
  }
  function allowanceKey(owner: Uint8Array, spender: Uint8Array): Uint8Array {
    return concatBytes(owner, spender);
  }
  function readAllowance(f: ContractFrame, key: Uint8Array): bigint {
    const raw = f.getObject(ALLOWANCES_SPACE, key);
    return raw ? token.Uint64Result.decode(raw).value : 0n;
  }
  const now = (f: ContractFrame) => f.ctx.block.headBlockTime;
  const decode = <T>(f: ContractFrame, fn: { decode(b: Uint8Array): T }, args: Uint8Array): T => {
    try {
      return fn.decode(args);
    } catch {
      throw new ChainError("reversion", "could not decode arguments");
    }
  };

  /** Allowance of the calling contract, else the account's own authority (Koin.ts `_check_authority`). */
  function checkAuthority(f: ContractFrame, account: Uint8Array, amount: bigint): boolean {
    if (f.caller.length > 0) {
      const key = allowanceKey(account, f.caller);
      const allowance = readAllowance(f, key);
      if (allowance >= amount) {
        f.putObject(ALLOWANCES_SPACE, key, enc.u64(allowance - amount));
        return true;
      }
    }
    return f.checkAccountAuthority(account);
  }

  const handlers: Record<number, (f: ContractFrame, args: Uint8Array) => Uint8Array> = {
    [KoinEntryPoint.name]: () => enc.str(options.name),
    [KoinEntryPoint.symbol]: () => enc.str(options.symbol),
    [KoinEntryPoint.decimals]: () => enc.u32(options.decimals),
    [KoinEntryPoint.get_info]: () =>
      token.GetInfoResult.encode({ name: options.name, symbol: options.symbol, decimals: options.decimals, description: options.description }).finish(),
    [KoinEntryPoint.total_supply]: (f) => enc.u64(readSupply(f)),
    [KoinEntryPoint.balance_of]: (f, raw) => enc.u64(readBalance(f, decode(f, token.BalanceOfArguments, raw).owner).balance),
    [KoinEntryPoint.allowance]: (f, raw) => {
      const a = decode(f, token.AllowanceArguments, raw);
      return enc.u64(readAllowance(f, allowanceKey(a.owner, a.spender)));
    },
    [KoinEntryPoint.get_allowances]: (f, raw) => {
      const a = decode(f, token.GetAllowancesArguments, raw);
      f.require(a.owner.length > 0, "account 'owner' cannot be null");
      const mine = f.entries(ALLOWANCES_SPACE).filter((e) => bytesEqual(e.key.subarray(0, 25), a.owner));
      const ordered = a.descending ? mine.reverse() : mine;
      const start = a.start.length > 0 ? allowanceKey(a.owner, a.start) : undefined;
      const after = start ? ordered.filter((e) => (a.descending ? Buffer.compare(e.key, start) < 0 : Buffer.compare(e.key, start) > 0)) : ordered;
      const allowances = after.slice(0, Math.max(0, a.limit)).map((e) => ({ spender: e.key.slice(25), value: token.Uint64Result.decode(e.value).value }));
      return token.GetAllowancesResult.encode({ owner: a.owner, allowances }).finish();
    },
    [KoinEntryPoint.approve]: (f, raw) => {
      const a = decode(f, token.ApproveArguments, raw);
      f.require(a.owner.length > 0, "account 'owner' cannot be null");
      f.require(a.spender.length > 0, "account 'spender' cannot be null");
      f.require(f.checkAccountAuthority(a.owner), "owner has not authorized approve", "authorization_failure");
      f.putObject(ALLOWANCES_SPACE, allowanceKey(a.owner, a.spender), enc.u64(a.value));
      f.event("token.approve_event", raw, [a.owner, a.spender]);
      return enc.empty();
    },
    [KoinEntryPoint.transfer]: (f, raw) => {
      const a = decode(f, transferArguments, raw);
      f.require(a.to.length > 0, "account 'to' cannot be null");
      f.require(a.from.length > 0, "account 'from' cannot be null");
      f.require(!bytesEqual(a.from, a.to), "cannot transfer to yourself");
      f.require(checkAuthority(f, a.from, a.value), "account 'from' has not authorized transfer", "authorization_failure");
      const from = regenerate(readBalance(f, a.from), now(f));
      f.require(from.balance >= a.value, "account 'from' has insufficient balance", "failure");
      f.require(from.mana >= a.value, "account 'from' has insufficient mana for transfer", "failure");
      const to = regenerate(readBalance(f, a.to), now(f));
      writeBalance(f, a.from, { balance: from.balance - a.value, mana: from.mana - a.value, last_mana_update: from.last_mana_update });
      // Received KOIN arrives with its mana (a new balance starts regenerating from now).
      writeBalance(f, a.to, { balance: to.balance + a.value, mana: to.mana + a.value, last_mana_update: to.last_mana_update === 0n ? now(f) : to.last_mana_update });
      f.event("token.transfer_event", raw, [a.to, a.from]);
      return enc.empty();
    },
    [KoinEntryPoint.mint]: (f, raw) => {
      const a = decode(f, token.MintArguments, raw);
      f.require(a.to.length > 0, "account 'to' cannot be null");
      f.require(a.value !== 0n, "account 'value' cannot be zero");
      f.require(f.hasSystemAuthority(), "insufficient privileges to mint", "authorization_failure");
      const supply = readSupply(f);
      f.require(supply <= U64_MAX - a.value, "mint would overflow supply", "failure");
      const to = regenerate(readBalance(f, a.to), now(f));
      writeBalance(f, a.to, { balance: to.balance + a.value, mana: to.mana + a.value, last_mana_update: to.last_mana_update === 0n ? now(f) : to.last_mana_update });
      f.putObject(SUPPLY_SPACE, SUPPLY_KEY, enc.u64(supply + a.value));
      f.event("token.mint_event", raw, [a.to]);
      return enc.empty();
    },
    [KoinEntryPoint.burn]: (f, raw) => {
      const a = decode(f, token.BurnArguments, raw);
      f.require(a.from.length > 0, "account 'from' cannot be null");
      const bySystem = options.systemMayBurn === true && f.hasSystemAuthority();
      f.require(f.callerPrivilege === protocol.Privilege.kernel_mode || bySystem || checkAuthority(f, a.from, a.value), "account 'from' has not authorized burn", "authorization_failure");
      const from = regenerate(readBalance(f, a.from), now(f));
      f.require(from.balance >= a.value, "account 'from' has insufficient balance", "failure");
      const supply = readSupply(f);
      f.require(supply >= a.value, "burn would underflow supply", "failure");
      const mana = from.mana < a.value ? 0n : from.mana - a.value;
      writeBalance(f, a.from, { balance: from.balance - a.value, mana, last_mana_update: from.last_mana_update });
      f.putObject(SUPPLY_SPACE, SUPPLY_KEY, enc.u64(supply - a.value));
      f.event("token.burn_event", raw, [a.from]);
      return enc.empty();
    },
    [KoinEntryPoint.get_account_rc]: (f, raw) => {
      const a = decode(f, getAccountRcArguments, raw);
      return enc.u64(regenerate(readBalance(f, a.account), now(f)).mana);
    },
    [KoinEntryPoint.consume_account_rc]: (f, raw) => {
      const a = decode(f, consumeAccountRcArguments, raw);
      if (f.callerPrivilege !== protocol.Privilege.kernel_mode) {
        f.log("The system call 'consume_account_rc' must be called from kernel context");
        return protocol.ConsumeAccountRcResult.encode({ value: false }).finish();
      }
      const bal = regenerate(readBalance(f, a.account), now(f));
      if (bal.mana < a.value) {
        f.log("Account has insufficient mana for consumption");
        return protocol.ConsumeAccountRcResult.encode({ value: false }).finish();
      }
      writeBalance(f, a.account, { ...bal, mana: bal.mana - a.value });
      return protocol.ConsumeAccountRcResult.encode({ value: true }).finish();
    },
  };

  return {
    name: "koin",
    systemSpaces: true,
    abi: tokenAbi(),
    call(frame, entryPoint, args) {
      const handler = handlers[entryPoint];
      if (!handler) throw new ChainError("reversion", `unknown entry point 0x${entryPoint.toString(16)}`);
      return handler(frame, args);
    },
  };
}
