// The relay status pill shown in every window.
import { onRelayStatus, relayStatus, RelayStatus } from "./api";
import { h } from "./dom";

export function relayPill(): HTMLElement {
  const pill = h("span", { id: "relay-status", class: "pill", "data-state": "connecting" }, "Relay: connecting…");
  const show = (s: RelayStatus) => {
    pill.dataset.state = s.state;
    pill.textContent =
      s.state === "online" ? "Relay: connected"
      : s.state === "connecting" ? "Relay: connecting…"
      : s.state === "offline" ? `Relay: ${s.kind === "token_rejected" ? "token rejected" : "unreachable"} — retrying in ${Math.ceil(s.retry_in_ms / 1000)} s`
      : "Relay: stopped";
    pill.title = s.state === "offline" ? s.message : "";
  };
  relayStatus().then(show).catch(() => {});
  onRelayStatus(show);
  return pill;
}
