// The FormDesk QR exchange format in TypeScript (docs/qr-format.md): what the phone apps
// read and write. Mirrors relay/protocol/src/qr; tested against its vectors.json.

export { QrError, type QrErrorCode, type QrKind } from "./errors";
export { FORMAT_VERSION, sniff, encodeFrame, decodeFrame } from "./frame";
export { parseOfficeKey, fingerprint, keyToBase64Url, keyToQrText, type OfficeKeyInfo } from "./key";
export {
  verifyRequest,
  decodeRequestUnverified,
  requestIdHex,
  retentionStatement,
  CLOCK_SKEW_SECS,
  type RequestBody,
  type RequestedField,
  type Retention,
  type VerifiedRequest,
} from "./request";
export { matchCode } from "./matchcode";
export { sealResponse, openResponse, peekResponse, type Outcome } from "./response";
export { verifyReceipt, checkReceiptAgainst, type ReceiptBody, type VerifiedReceipt } from "./receipt";
