// The only door between the webview and Rust: typed wrappers over Tauri commands and events.
// Views import from here and never call `invoke`/`listen` themselves. Names and types mirror
// src-tauri/src/commands/*.rs (snake_case commands, camelCase arguments).

type InvokeFn = <T>(cmd: string, args?: Record<string, unknown>) => Promise<T>;
type UnlistenFn = () => void;
type ListenFn = <T>(event: string, cb: (e: { payload: T }) => void) => Promise<UnlistenFn>;

interface TauriGlobal {
  core: { invoke: InvokeFn };
  event: { listen: ListenFn };
}

function tauri(): TauriGlobal {
  const t = (window as unknown as { __TAURI__?: TauriGlobal }).__TAURI__;
  if (!t) throw new AppError("internal", "The desk's back end is not available.");
  return t;
}

/** Every failed command rejects with this (`kind` picks the wording in the views). */
export class AppError extends Error {
  constructor(public kind: ErrorKind, message: string) {
    super(message);
  }
}

export type ErrorKind =
  | "relay_unreachable" | "token_rejected" | "certificate_mismatch" | "wrong_request" | "expired" | "replayed"
  | "camera_missing" | "invalid" | "not_found" | "io" | "update_needed" | "internal";

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await tauri().core.invoke<T>(cmd, args);
  } catch (e) {
    if (e instanceof AppError) throw e;
    const err = e as { kind?: ErrorKind; message?: string };
    throw new AppError(err.kind ?? "internal", err.message ?? String(e));
  }
}

// ---- DTOs (mirrors of the Rust types) ----

export type InputType =
  | "text" | "textarea" | "date" | "email" | "tel" | "number" | "select" | "radio" | "checkbox";

export interface Choice { value: string; label: string }
export interface FieldDef {
  name: string; label: string; input: InputType; required?: boolean;
  choices?: Choice[]; prefill?: string; purpose?: string; help?: string;
}
export interface Section { title: string; fields: string[] }
export interface FormDef {
  id: string; version: number; lang: string; title: string; description: string;
  retention_days: number; fields: FieldDef[]; layout: Section[];
  schema: { properties?: Record<string, JsonSchemaProp>; required?: string[] };
}
export interface JsonSchemaProp {
  type?: string; format?: string; pattern?: string; minLength?: number; maxLength?: number;
  minimum?: number; maximum?: number; enum?: string[];
}

export type RelayStatus =
  | { state: "connecting"; attempt: number }
  | { state: "online"; conn: string; relay: string }
  | { state: "offline"; kind: ErrorKind; message: string; retry_in_ms: number }
  | { state: "stopped" };

export interface RequestView {
  requestId: string; qr: string; qrSvg: string; expiresAt: number; matchCode: string;
}

/** Per requested field: what the citizen did. */
export type Outcome = "shared" | "declined" | "unavailable";

export interface FormFilled {
  submissionId: string;
  values: Record<string, unknown>;
  outcomes: Record<string, Outcome>;
}

export type SubscriptionState = "none" | "subscribed" | "unsubscribed" | "expired";
export interface FieldError { field: string; message: string }
export interface Completed { outboxFile: string; receiptQr: string | null; receiptSvg: string | null }
/** A signed deletion receipt for the citizen (after Complete, or an unanswered expiry). */
export interface Receipt { receiptQr: string; receiptSvg: string }
/** The office's public key, as wallets trust it. */
export interface OfficeKey { name: string; publicKey: string; fingerprint: string; qr: string; qrSvg: string }

export interface Pairing {
  /** The new device token (also inside `text`). */
  token: string; desk: string;
  /** The companion's pairing URL the QR holds. */
  text: string; qrSvg: string;
  /** Why a phone may not reach this relay (embedded relay on loopback). */
  note: string | null;
}

export interface ScannerEvent {
  kind: "status" | "frame" | "decoded" | "submitted" | "error";
  message?: string;
  /** data:image/jpeg;base64,... preview (downscaled). */
  frame?: string;
  width?: number; height?: number;
  /** Corner points of a detected code, in frame pixels. */
  box?: [number, number][];
}

export interface CameraInfo { index: number; name: string }
export interface CameraChoices {
  cameras: CameraInfo[];
  /** FORMDESK_CAMERA, which wins over the saved choice. */
  envCamera: string | null;
}

export interface Settings {
  relay: { mode: "embedded" } | { mode: "lan"; url: string; token: string; fingerprint?: string };
  deskLabel: string; camera: string | null; outboxDir: string | null;
}

// ---- commands ----

export const relayStatus = () => call<RelayStatus>("relay_status");
export const listForms = () => call<FormDef[]>("list_forms");
export const formDefinition = (formId: string) => call<FormDef>("form_definition", { formId });
export const openFormWindow = (formId: string) => call<string>("open_form_window", { formId });
export const newRequest = (formId: string) => call<RequestView>("new_request", { formId });
export const subscriptionState = () => call<SubscriptionState>("subscription_state");
export const expiredReceipt = () => call<Receipt>("expired_receipt");
export const validateValues = (formId: string, values: Record<string, unknown>) =>
  call<FieldError[]>("validate_values", { formId, values });
export const completeForm = (formId: string, values: Record<string, unknown>, provenance: Record<string, string>) =>
  call<Completed>("complete_form", { formId, values, provenance });
export const getSettings = () => call<Settings>("get_settings");
export const saveSettings = (settings: Settings) => call<void>("save_settings", { settings });
export const officeKey = () => call<OfficeKey>("office_key");
export const cameraChoices = () => call<CameraChoices>("camera_choices");
export const pairPhone = () => call<Pairing>("pair_phone");
export const scannerStatus = () => call<ScannerEvent>("scanner_status");

// ---- events ----

export const onRelayStatus = (cb: (s: RelayStatus) => void) =>
  tauri().event.listen<RelayStatus>("relay-status", (e) => cb(e.payload));
export const onFormFilled = (cb: (f: FormFilled) => void) =>
  tauri().event.listen<FormFilled>("form-filled", (e) => cb(e.payload));
export const onSubscription = (cb: (s: SubscriptionState) => void) =>
  tauri().event.listen<SubscriptionState>("form-subscription", (e) => cb(e.payload));
export const onFormError = (cb: (e: AppError) => void) =>
  tauri().event.listen<{ kind: ErrorKind; message: string }>("form-error", (e) =>
    cb(new AppError(e.payload.kind, e.payload.message)));
export const onScanner = (cb: (e: ScannerEvent) => void) =>
  tauri().event.listen<ScannerEvent>("scanner", (e) => cb(e.payload));
