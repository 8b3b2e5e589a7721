// Reaches verify_vrf_proof and nop from a contract: entry 1 passes its arguments (a
// verify_vrf_proof_arguments message) to System.verifyVRFProof and returns the boolean; entry 2
// invokes system call 0 (nop) and entry 3 thunk 0, returning the code as a boolean result.
import { System, Protobuf, system_calls } from "@koinos/sdk-as";

// @ts-ignore
@external("env", "invoke_system_call")
declare function invokeSystemCall(sid: u32, ret_ptr: u32, ret_len: u32, arg_ptr: u32, arg_len: u32, ret_bytes: u32): i32;
// @ts-ignore
@external("env", "invoke_thunk")
declare function invokeThunk(tid: u32, ret_ptr: u32, ret_len: u32, arg_ptr: u32, arg_len: u32, ret_bytes: u32): i32;

const RET = new Uint8Array(1024);
const RET_BYTES = new Uint32Array(1);

function boolResult(v: bool): Uint8Array {
  return Protobuf.encode(new system_calls.verify_vrf_proof_result(v), system_calls.verify_vrf_proof_result.encode);
}

export function main(): i32 {
  const a = System.getArguments();
  let out = new Uint8Array(0);
  if (a.entry_point == 1) {
    const args = Protobuf.decode<system_calls.verify_vrf_proof_arguments>(a.args, system_calls.verify_vrf_proof_arguments.decode);
    out = boolResult(System.verifyVRFProof(args.public_key, args.proof, args.hash, args.message, args.type));
  } else if (a.entry_point == 2 || a.entry_point == 3) {
    const code = a.entry_point == 2
      ? invokeSystemCall(0, RET.dataStart as u32, RET.byteLength, 0, 0, RET_BYTES.dataStart as u32)
      : invokeThunk(0, RET.dataStart as u32, RET.byteLength, 0, 0, RET_BYTES.dataStart as u32);
    System.log("code=" + code.toString() + " bytes=" + RET_BYTES[0].toString());
    out = boolResult(code == 0);
  }
  System.exit(0, out);
  return 0;
}

main();
