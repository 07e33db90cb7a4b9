/**
 * Sends card actions and form submissions, and turns the hub's answers into state.
 *
 *   const cards = createCardRequests({ dispatch, getState, send, api });
 *   cards.takeAction({ messageId, version, actionId, values });
 *   cards.submitForm({ formId, values });
 *   if (cards.onFrame(frame)) return;   // in the socket's frame handler: answers to our refs
 *
 * Over the WebSocket when it is live (the answer is an `ack` or `error` with our `ref`),
 * over HTTP otherwise. Never queued for later: an approval taken offline and sent an hour
 * later could act on a card that has changed, so the person is told at once instead.
 * A `card_stale` answer carries the current card: it replaces the one shown, with a note.
 */
import { t } from "../lib/i18n.js";

// The hub answers within its bot handler limit (5 s); past this the answer is not coming.
const ANSWER_TIMEOUT_MS = 15000;

export function createCardRequests({ dispatch, getState, send, api }) {
  const waiting = new Map(); // ref → { kind, key, messageId, version, timer }
  let counter = 0;

  function track(kind, key, extra) {
    const ref = `${kind}-${Date.now().toString(36)}-${++counter}`;
    const timer = setTimeout(() => {
      if (!waiting.delete(ref)) return;
      dispatch({ type: "card/failed", key, error: t("card.noAnswer") });
    }, ANSWER_TIMEOUT_MS);
    waiting.set(ref, { kind, key, timer, ...extra });
    return ref;
  }

  function settle(ref) {
    const entry = waiting.get(ref);
    if (entry) {
      clearTimeout(entry.timer);
      waiting.delete(ref);
    }
    return entry;
  }

  function succeeded(entry, { duplicate = false, message = null } = {}) {
    if (entry.kind === "form") {
      dispatch({ type: "card/done", key: entry.key });
      dispatch({ type: "form/close" });
      return;
    }
    // The card usually answers for itself (the bot returns the next version); say something
    // only when it did not change, so the click never seems to have done nothing.
    const shown = message || getState().byId[entry.messageId];
    const changed = (shown?.card_version ?? 0) > entry.version;
    const note = duplicate ? t("card.duplicate") : changed ? null : t("card.sent");
    dispatch({ type: "card/done", key: entry.key, note, message });
  }

  function failed(entry, error) {
    if (error.code === "card_stale") {
      dispatch({
        type: "card/stale",
        key: entry.key,
        message: error.details?.message || null,
        note: t("card.stale"),
      });
      return;
    }
    const field = error.details?.field || null;
    dispatch({
      type: "card/failed",
      key: entry.key,
      error: error.message || t("card.failed"),
      field,
    });
  }

  /** Replies and forms that came back over HTTP arrive as the frames would have. */
  function applyResult(result) {
    for (const reply of result.replies || []) dispatch({ ...reply, at: Date.now() });
    for (const form of result.forms || []) dispatch(form);
  }

  async function viaHttp(ref, path, body) {
    try {
      const result = await api.post(path, body);
      const entry = settle(ref);
      if (!entry) return;
      applyResult(result);
      succeeded(entry, { duplicate: result.duplicate, message: result.message || null });
    } catch (error) {
      const entry = settle(ref);
      if (entry) failed(entry, error.code === "network" ? { message: t("card.offline") } : error);
    }
  }

  return {
    takeAction({ messageId, version, actionId, values }) {
      const key = `m${messageId}`;
      const ref = track("card", key, { messageId, version });
      dispatch({ type: "card/sending", key, action_id: actionId });
      const frame = {
        type: "card_action",
        message_id: messageId,
        version,
        action_id: actionId,
        values,
        ref,
      };
      if (send(frame)) waiting.get(ref).viaSocket = true;
      else
        viaHttp(ref, `/api/v1/messages/${messageId}/card/actions`, {
          action_id: actionId,
          version,
          values,
        });
    },

    submitForm({ formId, values }) {
      const key = `f${formId}`;
      const ref = track("form", key, {});
      dispatch({ type: "card/sending", key, action_id: "submit" });
      if (send({ type: "form_submit", form_id: formId, values, ref }))
        waiting.get(ref).viaSocket = true;
      else viaHttp(ref, `/api/v1/forms/${encodeURIComponent(formId)}`, { values });
    },

    /**
     * The socket dropped: answers to what it carried will not come (the card shows the truth
     * after resync).
     */
    connectionLost() {
      for (const [ref, entry] of [...waiting]) {
        if (!entry.viaSocket) continue;
        settle(ref);
        dispatch({ type: "card/failed", key: entry.key, error: t("card.connectionLost") });
      }
    },

    /** Handle the answer to one of our requests; false for any other frame. */
    onFrame(frame) {
      if (!frame.ref || !waiting.has(frame.ref) || (frame.type !== "ack" && frame.type !== "error"))
        return false;
      const entry = settle(frame.ref);
      if (frame.type === "ack") succeeded(entry, { duplicate: Boolean(frame.duplicate) });
      else failed(entry, frame);
      return true;
    },
  };
}
