/** The chain's object spaces live with the state (`state/spaces.ts`); re-exported for contract code. */
export { SPACES } from "../state/spaces.ts";
