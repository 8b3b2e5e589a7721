#!/usr/bin/env python3
"""A Cairn client in Python, from stubs generated out of proto/ (see generate.sh).

    /usr/bin/python3 client.py CHAIN_ADDRESS BLOCK_STORE_ADDRESS ACCOUNT_HISTORY_ADDRESS [--address BASE58]

Calls, over plain gRPC:
  chain            GetHeadInfo, GetChainId, GetAccountNonce(address)
  block store      GetBlocksByHeight(head id, from height 1, 1 block)
  account history  GetAccountHistory(address, first 10 entries)

and prints what they answer. Exits 1 when any call fails or the answers disagree (a head above
height 0 whose block 1 the block store does not return), 2 on bad arguments. Needs only
Debian's python3-grpcio (and python3-protobuf, which it pulls in).
"""

import argparse
import base64
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))

import grpc  # noqa: E402

from cairn.account_history.v1 import account_history_pb2, account_history_pb2_grpc  # noqa: E402
from cairn.block_store.v1 import block_store_pb2, block_store_pb2_grpc  # noqa: E402
from cairn.chain.v1 import chain_pb2, chain_pb2_grpc  # noqa: E402
from cairn.protocol.v1 import chain_types_pb2  # noqa: E402

# Dev account 0 of `cairn dev` (seed "cairn dev"): what a fresh dev chain funds first.
DEV_ACCOUNT_0 = "1AEjdUWG3hN2ifM9rbQLSXxVBm1RD7Pv89"

# Deadline of each call, seconds; a local node answers in milliseconds.
CALL_TIMEOUT_S = 5.0
# How long to wait for each server to accept a connection, seconds.
CONNECT_TIMEOUT_S = 15.0

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58_decode(text: str) -> bytes:
    """Bitcoin-alphabet base58 to bytes (leading '1's are leading zero bytes)."""
    number = 0
    for char in text:
        digit = BASE58_ALPHABET.find(char)
        if digit < 0:
            raise ValueError(f"invalid base58 character {char!r}")
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\x00" * zeros + body


def base58_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = BASE58_ALPHABET[rem] + out
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + out


def decode_address(text: str) -> bytes:
    """A Koinos address (base58check: version byte, 20-byte hash, 4-byte checksum) to its 25 bytes."""
    raw = base58_decode(text)
    if len(raw) != 25:
        raise ValueError(f"address {text} is {len(raw)} bytes, expected 25")
    payload, checksum = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        raise ValueError(f"address {text} has a bad checksum")
    return raw


def hex_id(data: bytes) -> str:
    """Block and transaction ids as Koinos JSON writes them."""
    return "0x" + data.hex()


def connect(name: str, address: str) -> grpc.Channel:
    channel = grpc.insecure_channel(address)
    try:
        grpc.channel_ready_future(channel).result(timeout=CONNECT_TIMEOUT_S)
    except grpc.FutureTimeoutError:
        raise ConnectionError(f"{name} at {address}: no connection within {CONNECT_TIMEOUT_S:.0f} s") from None
    return channel


def main() -> int:
    parser = argparse.ArgumentParser(description="Call Cairn's chain, block store and account history over gRPC.")
    parser.add_argument("chain", help="chain service host:port (e.g. 127.0.0.1:50051)")
    parser.add_argument("block_store", help="block store host:port (e.g. 127.0.0.1:50052)")
    parser.add_argument("account_history", help="account history host:port (e.g. 127.0.0.1:50054)")
    parser.add_argument("--address", default=DEV_ACCOUNT_0, help=f"account to query (default dev account 0, {DEV_ACCOUNT_0})")
    args = parser.parse_args()

    try:
        account = decode_address(args.address)
    except ValueError as err:
        print(f"client.py: {err}", file=sys.stderr)
        return 2

    try:
        chain = chain_pb2_grpc.ChainServiceStub(connect("chain", args.chain))
        block_store = block_store_pb2_grpc.BlockStoreServiceStub(connect("block store", args.block_store))
        history = account_history_pb2_grpc.AccountHistoryServiceStub(connect("account history", args.account_history))

        head = chain.GetHeadInfo(chain_pb2.GetHeadInfoRequest(), timeout=CALL_TIMEOUT_S)
        print(f"chain.GetHeadInfo: height {head.head_topology.height}, id {hex_id(head.head_topology.id)}, "
              f"LIB {head.last_irreversible_block}, block time {head.head_block_time} ms")

        chain_id = chain.GetChainId(chain_pb2.GetChainIdRequest(), timeout=CALL_TIMEOUT_S).chain_id
        print(f"chain.GetChainId: {base64.urlsafe_b64encode(chain_id).decode()}")

        nonce_bytes = chain.GetAccountNonce(chain_pb2.GetAccountNonceRequest(account=account), timeout=CALL_TIMEOUT_S).nonce
        nonce = chain_types_pb2.ValueType.FromString(nonce_bytes).uint64_value
        print(f"chain.GetAccountNonce({args.address}): {nonce}")

        blocks = block_store.GetBlocksByHeight(
            block_store_pb2.GetBlocksByHeightRequest(
                head_block_id=head.head_topology.id,
                ancestor_start_height=1,
                num_blocks=1,
                return_block=True,
                return_receipt=True,
            ),
            timeout=CALL_TIMEOUT_S,
        )
        if not blocks.block_items:
            if head.head_topology.height > 0:
                print(f"block_store.GetBlocksByHeight: no block 1 below head {head.head_topology.height}", file=sys.stderr)
                return 1
            print("block_store.GetBlocksByHeight: no blocks yet (head at height 0)")
        for item in blocks.block_items:
            header = item.block.header
            print(f"block_store.GetBlocksByHeight: block {item.block_height} id {hex_id(item.block_id)}, "
                  f"{len(item.block.transactions)} transactions, signer {base58_encode(header.signer)}, "
                  f"timestamp {header.timestamp} ms")

        entries = history.GetAccountHistory(
            account_history_pb2.GetAccountHistoryRequest(address=account, limit=10, ascending=True),
            timeout=CALL_TIMEOUT_S,
        ).values
        print(f"account_history.GetAccountHistory({args.address}): {len(entries)} entries")
        for entry in entries:
            kind = entry.WhichOneof("record")
            if kind == "trx":
                what = f"transaction {hex_id(entry.trx.transaction.id)}"
            elif kind == "block":
                what = f"block {entry.block.header.height}"
            else:
                what = "empty record"
            print(f"  #{entry.seq_num}: {what}")
    except grpc.RpcError as err:
        print(f"client.py: {err.code().name}: {err.details()}", file=sys.stderr)
        return 1
    except ConnectionError as err:
        print(f"client.py: {err}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
