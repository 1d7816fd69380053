// Typed errors of the QR codec, one code per failure the format distinguishes (mirroring
// formdesk-protocol's `Error`), each with a message meant for the citizen or clerk.

export type QrKind = "request" | "response" | "key" | "receipt";

export const KIND_LETTER: Record<QrKind, string> = { request: "R", response: "A", key: "K", receipt: "D" };
export const KIND_NAME: Record<QrKind, string> = {
  request: "request",
  response: "response",
  key: "office key",
  receipt: "deletion receipt",
};

export type QrErrorCode =
  | "bad_prefix"
  | "wrong_kind"
  | "update_needed"
  | "truncated"
  | "malformed"
  | "bad_signature"
  | "untrusted"
  | "expired"
  | "not_yet_valid"
  | "outside_template"
  | "unrequested_key"
  | "invalid"
  | "bad_key"
  | "build";

export class QrError extends Error {
  override name = "QrError";
  constructor(
    readonly code: QrErrorCode,
    message: string,
    /** Extra facts for the UI (the untrusted key, the kind found…). */
    readonly detail: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

export const malformed = (kind: QrKind, reason: string): QrError =>
  new QrError("malformed", `The ${KIND_NAME[kind]} code is damaged or malformed: ${reason}.`, { kind });

export const truncated = (kind: QrKind): QrError =>
  new QrError("truncated", `The ${KIND_NAME[kind]} code is truncated (incomplete scan or cut text).`, { kind });

export const invalid = (kind: QrKind, reason: string): QrError =>
  new QrError("invalid", `Invalid ${KIND_NAME[kind]} code: ${reason}.`, { kind });
