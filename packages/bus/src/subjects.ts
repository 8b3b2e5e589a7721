/**
 * The subject catalog: Koinos topic names, kept as they are so Koinos tooling recognises them.
 * Payloads are `cairn.broadcast.v1` messages, binary protobuf (architecture §4).
 */
import { invalidDurable, invalidSubject } from "./errors.ts";

/** Every Koinos broadcast subject Cairn publishes, by meaning. */
export const Subjects = {
  /** A block was applied to the fork tree (payload `BlockAccepted`). */
  blockAccept: "koinos.block.accept",
  /** A block became irreversible (payload `BlockIrreversible`). */
  blockIrreversible: "koinos.block.irreversible",
  /** The set of fork heads changed (payload `ForkHeads`). */
  blockForks: "koinos.block.forks",
  /** A transaction was applied in a block (payload `TransactionAccepted`). */
  transactionAccept: "koinos.transaction.accept",
  /** A submitted transaction failed (payload `TransactionFailed`). */
  transactionFail: "koinos.transaction.fail",
  /** A transaction entered the mempool (payload `MempoolAccepted`). */
  mempoolAccept: "koinos.mempool.accept",
} as const;

/** One of the fixed subjects in {@link Subjects}. */
export type KnownSubject = (typeof Subjects)[keyof typeof Subjects];

/** Prefix of contract event subjects: `koinos.event.<contract base58>.<event name>`. */
export const CONTRACT_EVENT_PREFIX = "koinos.event";

/** Every subject the Koinos stream captures (default stream subjects). */
export const ALL_KOINOS_SUBJECTS = "koinos.>";

/**
 * Subject of a contract event, `koinos.event.<contract base58>.<event name>` (payload `EventParcel`). Event names may
 * contain dots (`koinos.contracts.token.transfer_event`); they become extra subject tokens, so
 * subscribe to `koinos.event.<contract>.>` for all events of a contract.
 */
export function contractEventSubject(contractBase58: string, eventName: string): string {
  if (!/^[1-9A-HJ-NP-Za-km-z]+$/.test(contractBase58)) throw invalidSubject(contractBase58, "contract id is not base58");
  const subject = `${CONTRACT_EVENT_PREFIX}.${contractBase58}.${eventName}`;
  assertSubject(subject);
  return subject;
}

/** Pattern matching every event of one contract. */
export function contractEventsPattern(contractBase58: string): string {
  return `${CONTRACT_EVENT_PREFIX}.${contractBase58}.>`;
}

const BAD_TOKEN_CHARS = /[\s*>]/;

/**
 * Subjects already found valid. A process publishes on few distinct subjects (the fixed ones and
 * one per contract event name), several per transfer; bounded, cleared when full.
 */
const validSubjects = new Set<string>();
const VALID_SUBJECTS_KEPT = 4096;

/** Throws unless `subject` is a concrete subject: non-empty dot-separated tokens, no wildcards or whitespace. */
export function assertSubject(subject: string): void {
  if (validSubjects.has(subject)) return;
  if (subject.length === 0) throw invalidSubject(subject, "empty");
  for (const token of subject.split(".")) {
    if (token.length === 0) throw invalidSubject(subject, "empty token");
    if (BAD_TOKEN_CHARS.test(token)) throw invalidSubject(subject, "wildcard or whitespace in a published subject");
  }
  if (validSubjects.size >= VALID_SUBJECTS_KEPT) validSubjects.clear();
  validSubjects.add(subject);
}

/** Throws unless `pattern` is a valid NATS pattern: tokens, `*` as a whole token, `>` only as the last token. */
export function assertPattern(pattern: string): void {
  if (pattern.length === 0) throw invalidSubject(pattern, "empty");
  const tokens = pattern.split(".");
  tokens.forEach((token, i) => {
    if (token.length === 0) throw invalidSubject(pattern, "empty token");
    if (token === "*") return;
    if (token === ">") {
      if (i !== tokens.length - 1) throw invalidSubject(pattern, "'>' must be the last token");
      return;
    }
    if (BAD_TOKEN_CHARS.test(token)) throw invalidSubject(pattern, "wildcard inside a token or whitespace");
  });
}

/**
 * True when concrete `subject` matches NATS `pattern` (`*` = one token, `>` = one or more trailing
 * tokens). The in-process bus asks once per message and consumer: a pattern without wildcards and
 * one whose only wildcard is a trailing `>` (`koinos.>`) are compared without splitting.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const star = pattern.indexOf("*");
  const rest = pattern.indexOf(">");
  if (star < 0 && rest < 0) return pattern === subject;
  // `prefix.>`: the subject's tokens start with the prefix's and go on (its tokens are non-empty).
  if (star < 0 && rest === pattern.length - 1 && rest > 0 && pattern.charCodeAt(rest - 1) === 0x2e) return subject.length > rest && subject.startsWith(pattern.slice(0, rest));
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    const token = p[i];
    if (token === ">") return s.length > i;
    if (i >= s.length) return false;
    if (token !== "*" && token !== s[i]) return false;
  }
  return p.length === s.length;
}

/** Durable names become NATS consumer names: letters, digits, `-` and `_` only. */
export function assertDurableName(name: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw invalidDurable(name);
}
