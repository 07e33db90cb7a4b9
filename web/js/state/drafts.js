/**
 * Drafts and the offline outbox in localStorage, so both survive a reload.
 *
 *   saveDraft(localStorage, "12", "half-written");
 *   loadDraft(localStorage, "12") === "half-written"
 *   saveOutbox(localStorage, personId, outboxToSave(state));  loadOutbox(localStorage, personId)
 */

const DRAFT = "hub.draft.";
const OUTBOX = "hub.outbox.";

export function loadDraft(storage, key) {
  try {
    return storage?.getItem(DRAFT + key) || "";
  } catch {
    return "";
  }
}

export function saveDraft(storage, key, text) {
  try {
    if (text) storage?.setItem(DRAFT + key, text);
    else storage?.removeItem(DRAFT + key);
  } catch {
    // Storage full or disabled: the draft lives only in the page.
  }
}

export function loadOutbox(storage, personId) {
  try {
    const items = JSON.parse(storage?.getItem(OUTBOX + personId) || "[]");
    return Array.isArray(items)
      ? items.filter((i) => i?.client_msg_id && i.channel_id && typeof i.text === "string")
      : [];
  } catch {
    return [];
  }
}

export function saveOutbox(storage, personId, items) {
  try {
    if (items.length) storage?.setItem(OUTBOX + personId, JSON.stringify(items));
    else storage?.removeItem(OUTBOX + personId);
  } catch {
    // Storage full or disabled: the queue lives only in the page.
  }
}
