/** Shapes the Koinos JSON codec takes and returns (JSON values, ts-proto message functions). */

/** A JSON value as produced by `JSON.parse` and accepted by `JSON.stringify`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * The functions ts-proto generates for a message (`chain.GetHeadInfoResponse` etc.), typed
 * structurally so that any generated message const fits.
 */
export interface ProtoMessageFns<T = object> {
  /** Binary encoding; `.finish()` yields the bytes. */
  encode(message: T): { finish(): Uint8Array };
  /** Binary decoding. */
  decode(input: Uint8Array): T;
  /** A message with every field at its default. */
  create(): T;
  /** A full message (defaults filled in) from a partial one. */
  fromPartial(object: object): T;
}

/** A JSON Schema object (draft 2020-12 / OpenAPI 3.1 dialect). */
export type JsonSchema = { [keyword: string]: unknown };
