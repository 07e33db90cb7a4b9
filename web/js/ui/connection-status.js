/**
 * The connection state, announced politely: "Connecting…", "Live", "Reconnecting…".
 *
 *   mountConnectionStatus(element, store);   // element gets aria-live="polite"
 */
import { html, render } from "../lib/html.js";
import { t } from "../lib/i18n.js";

export function mountConnectionStatus(root, store) {
  let last = null;
  root.setAttribute("aria-live", "polite");
  root.setAttribute("role", "status");
  function update() {
    const state = store.getState();
    const queued = Object.values(state.pending).filter((p) => p.status === "queued").length;
    const key = `${state.connection}:${queued}:${t("connection.live")}`;
    if (key === last) return;
    last = key;
    const status = state.connection;
    root.dataset.status = status;
    root.dataset.testid = "connection-status";
    const text = html`<span class="conn-text">${t(`connection.${status}`)}</span>`;
    const queuedNote =
      queued && status !== "live"
        ? html`<span class="conn-queued">${t("connection.queued", { count: queued })}</span>`
        : null;
    render(root, html`<span class="conn-dot" aria-hidden="true"></span>${text}${queuedNote}`);
  }
  const unsubscribe = store.subscribe(update);
  update();
  return { destroy: unsubscribe };
}
