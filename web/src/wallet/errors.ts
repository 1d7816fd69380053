// Turns codec errors into what the citizen reads: a title, an explanation, and whether an
// "add this office" action makes sense. Fields are named by their labels, never their keys.

import { QrError } from "../shared/qr";
import { fieldLabel } from "../shared/vocab";

export interface Explained {
  title: string;
  detail: string;
  kind: "error" | "warn";
  code: string;
}

export function explain(e: unknown): Explained {
  if (!(e instanceof QrError)) return { title: "Something went wrong", detail: String(e), kind: "error", code: "internal" };
  const titles: Record<string, string> = {
    bad_prefix: "Not a FormDesk code",
    wrong_kind: "Not the expected kind of code",
    update_needed: "Update needed",
    truncated: "Incomplete code",
    malformed: "Damaged code",
    bad_signature: "Forged or altered code",
    untrusted: "Unknown office",
    expired: "This request has expired",
    not_yet_valid: "Check your phone's clock",
    outside_template: "Request refused",
    unrequested_key: "Field not requested",
    invalid: "Invalid code",
    bad_key: "Not an office key",
    build: "Cannot make the answer",
  };
  const warn = e.code === "update_needed" || e.code === "expired" || e.code === "not_yet_valid";
  return { title: titles[e.code] ?? "Invalid code", detail: detailOf(e), kind: warn ? "warn" : "error", code: e.code };
}

/** The codec's message, except where it names a field by its key. */
function detailOf(e: QrError): string {
  const key = typeof e.detail.key === "string" ? e.detail.key : "";
  if (e.code === "outside_template") {
    return `The request asks for "${fieldLabel(key)}", which is not part of the form's template: refused. Nothing was shared.`;
  }
  if (e.code === "unrequested_key") return `"${fieldLabel(key)}" was not asked for, so it cannot be sent.`;
  return e.message;
}
