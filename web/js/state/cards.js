/**
 * The cards part of the state: what people typed into cards, their own requests on cards
 * and forms, the open form, and the department list for pickers. Called by reducer.js.
 *
 *   state = reduceCards(state, { type: "card/draft", key: "m42", name: "comment", value: "ok" });
 *
 * Keys: "m<message id>" for a card in a message, "f<form id>" for a form. `uploads` holds
 * the files the person attached (id → name, type, size, url) so chips can name them; a
 * card's `cardUi[key].uploading[name]` lists files still on their way. Drafts live apart
 * from `cardUi` on purpose: typing changes only `cardDrafts`, which the message list does
 * not watch, so a keystroke never redraws (and never steals the focus from) the card.
 */

export const CARD_ACTIONS = new Set([
  "card/draft",
  "card/search",
  "card/invalid",
  "card/sending",
  "card/done",
  "card/failed",
  "card/stale",
  "card/replaced",
  "form.open",
  "form/close",
  "departments/loaded",
  "card/uploading",
  "card/uploaded",
  "card/uploadFailed",
]);

export function initialCardState() {
  return { cardDrafts: {}, cardUi: {}, form: null, departments: null, uploads: {} };
}

const set = (obj, key, value) => ({ ...obj, [key]: value });

function patchUi(state, key, patch) {
  return { ...state, cardUi: set(state.cardUi, key, { ...(state.cardUi[key] || {}), ...patch }) };
}

/** Keep the newer of two copies of a message: a card never goes back to an older version. */
export function replaceCardMessage(state, message) {
  const old = state.byId[message.id];
  if (!old || (old.card_version ?? 0) > (message.card_version ?? 0)) return state;
  return { ...state, byId: set(state.byId, message.id, { ...old, ...message }) };
}

export function reduceCards(state, action) {
  switch (action.type) {
    case "card/draft": {
      const draft = { ...(state.cardDrafts[action.key] || {}), [action.name]: action.value };
      // A field the person is correcting stops showing its error: a table's cell its own
      // (and the table's), a table whose rows moved all of its cells' errors.
      const fixed = (field) =>
        field === action.name ||
        field === action.cell ||
        (action.rows && field.startsWith(`${action.name}[`));
      const next = clearFieldErrors(
        { ...state, cardDrafts: set(state.cardDrafts, action.key, draft) },
        action.key,
        fixed,
      );
      // Typing is not redrawn (the input shows it already); a pick from a list (a person,
      // a removed file) is, so its chip appears or goes.
      return action.redraw && next.cardUi === state.cardUi ? patchUi(next, action.key, {}) : next;
    }
    case "card/search": {
      const query = { ...(state.cardUi[action.key]?.query || {}), [action.name]: action.q };
      // After a pick the list closes; typing again opens it.
      return patchUi(state, action.key, { searching: action.close ? null : action.name, query });
    }
    case "card/invalid":
      return patchUi(state, action.key, {
        fieldErrors: action.fieldErrors,
        error: action.error,
        note: null,
      });
    case "card/sending":
      return patchUi(state, action.key, {
        busy: action.action_id || "submit",
        error: null,
        note: null,
        fieldErrors: {},
      });
    case "card/done": {
      const { [action.key]: _sent, ...cardDrafts } = state.cardDrafts;
      const next = patchUi({ ...state, cardDrafts }, action.key, {
        busy: null,
        error: null,
        note: action.note || null,
        noteTone: "info",
        fieldErrors: {},
        searching: null,
        query: {},
      });
      return action.message ? replaceCardMessage(next, action.message) : next;
    }
    case "card/failed": {
      const fieldErrors = action.field ? { [action.field]: action.error } : {};
      return patchUi(state, action.key, {
        busy: null,
        error: action.error,
        note: null,
        fieldErrors,
      });
    }
    case "card/stale": {
      const next = patchUi(state, action.key, {
        busy: null,
        error: null,
        note: action.note,
        noteTone: "warning",
        fieldErrors: {},
      });
      return action.message ? replaceCardMessage(next, action.message) : next;
    }
    case "card/replaced":
      return replaceCardMessage(state, action.message);
    case "form.open": {
      const key = `f${action.form_id}`;
      const form = {
        form_id: action.form_id,
        bot_id: action.bot_id,
        channel_id: action.channel_id ?? null,
        card: action.card,
      };
      const next = { ...state, form, cardUi: set(state.cardUi, key, {}) };
      return {
        ...next,
        ui: {
          ...next.ui,
          dialog: "botform",
          dialogError: null,
          switcherOpen: false,
          confirm: null,
        },
      };
    }
    case "form/close": {
      if (!state.form) return state;
      const key = `f${state.form.form_id}`;
      const { [key]: _ui, ...cardUi } = state.cardUi;
      const { [key]: _draft, ...cardDrafts } = state.cardDrafts;
      const closeDialog = state.ui.dialog === "botform";
      return {
        ...state,
        form: null,
        cardUi,
        cardDrafts,
        ui: closeDialog ? { ...state.ui, dialog: null } : state.ui,
      };
    }
    case "card/uploading": {
      const uploading = { ...(state.cardUi[action.key]?.uploading || {}) };
      uploading[action.name] = [
        ...(uploading[action.name] || []),
        { temp_id: action.temp_id, name: action.file_name },
      ];
      return clearFieldError(
        patchUi(state, action.key, { uploading, error: null }),
        action.key,
        action.name,
      );
    }
    case "card/uploaded": {
      const next = finishUpload(state, action);
      const draft = next.cardDrafts[action.key] || {};
      const ids = [
        ...(Array.isArray(draft[action.name]) ? draft[action.name] : []),
        action.file.id,
      ];
      return {
        ...next,
        uploads: set(next.uploads, action.file.id, action.file),
        cardDrafts: set(next.cardDrafts, action.key, { ...draft, [action.name]: ids }),
      };
    }
    case "card/uploadFailed": {
      const next = finishUpload(state, action);
      const fieldErrors = {
        ...(next.cardUi[action.key]?.fieldErrors || {}),
        [action.name]: action.error,
      };
      return patchUi(next, action.key, { fieldErrors });
    }
    case "departments/loaded":
      return { ...state, departments: flattenDepartments(action.departments) };
    default:
      return state;
  }
}

function finishUpload(state, { key, name, temp_id: tempId }) {
  const uploading = { ...(state.cardUi[key]?.uploading || {}) };
  uploading[name] = (uploading[name] || []).filter((u) => u.temp_id !== tempId);
  if (!uploading[name].length) delete uploading[name];
  return patchUi(state, key, { uploading });
}

function clearFieldError(state, key, name) {
  return clearFieldErrors(state, key, (field) => field === name);
}

function clearFieldErrors(state, key, fixed) {
  const errors = state.cardUi[key]?.fieldErrors || {};
  const names = Object.keys(errors).filter(fixed);
  if (!names.length) return state;
  const rest = Object.fromEntries(Object.entries(errors).filter(([name]) => !fixed(name)));
  return patchUi(state, key, { fieldErrors: rest });
}

/** The department forest as one list in tree order, each with its depth (for indenting). */
export function flattenDepartments(forest) {
  const out = [];
  const walk = (nodes, depth) => {
    for (const node of nodes || []) {
      out.push({ id: node.id, name: node.name, name_en: node.name_en ?? null, depth });
      walk(node.children, depth + 1);
    }
  };
  walk(forest, 0);
  return out;
}
