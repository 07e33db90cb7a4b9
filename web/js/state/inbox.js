/**
 * The to-do inbox part of the state: the cards waiting for me across every channel
 * (GET /api/v1/me/inbox), the live total and counts per bot (`inbox.updated`), and whether
 * the inbox view is open. Called by reducer.js; docs/web.md ("The to-do inbox").
 *
 *   state = reduceInbox(state, { type: "inbox.updated", total: 2, counts: { "7": 2 } });
 *   const items = inboxItems(state);   // what the inbox view draws, newest first
 *
 * The cards' messages live in `byId` like any other, so a `card.updated` for one of them
 * (the reader acted on it, from the inbox or from its channel) redraws it in both places;
 * an item whose card no longer waits for me leaves the list at once, before the reload
 * that `inbox.updated` asks for (main.js) has answered.
 */

export const INBOX_ACTIONS = new Set([
  "inbox.updated",
  "inbox/loading",
  "inbox/loaded",
  "inbox/failed",
  "ui/openInbox",
]);

export function initialInboxState() {
  return {
    inbox: {
      total: 0,
      counts: {},
      ids: [],
      where: {}, // message id -> { channel_id, channel_name, bot_id }
      hasMore: false,
      nextBefore: null,
      loaded: false,
      loading: false,
    },
  };
}

const patch = (state, change) => ({ ...state, inbox: { ...state.inbox, ...change } });

/** A page fetched before a live `card.updated` must not take a card back a version. */
function newerOf(known, loaded) {
  if (!known || (known.card_version ?? 0) <= (loaded.card_version ?? 0)) return loaded;
  return { ...loaded, card: known.card, card_version: known.card_version, text: known.text };
}

export function reduceInbox(state, action) {
  switch (action.type) {
    case "inbox.updated":
      return patch(state, { total: action.total, counts: action.counts || {} });
    case "inbox/loading":
      return patch(state, { loading: true });
    case "inbox/failed":
      return patch(state, { loading: false });
    case "inbox/loaded": {
      const byId = { ...state.byId };
      const where = action.older ? { ...state.inbox.where } : {};
      const ids = action.older ? [...state.inbox.ids] : [];
      for (const item of action.items) {
        const m = item.message;
        byId[m.id] = newerOf(byId[m.id], m);
        where[m.id] = {
          channel_id: item.channel_id,
          channel_name: item.channel_name ?? null,
          bot_id: item.bot_id,
          on_behalf_of: item.on_behalf_of ?? null, // someone out of office I act for
        };
        if (!ids.includes(m.id)) ids.push(m.id);
      }
      return {
        ...state,
        byId,
        inbox: {
          ...state.inbox,
          ids,
          where,
          total: action.total,
          counts: action.counts || {},
          hasMore: Boolean(action.has_more),
          nextBefore: action.next_before ?? null,
          loaded: true,
          loading: false,
        },
      };
    }
    case "ui/openInbox":
      return {
        ...state,
        ui: {
          ...state.ui,
          inboxOpen: true,
          appOpen: null,
          threadRootId: null,
          editingId: null,
          drawerOpen: false,
          switcherOpen: false,
        },
      };
    default:
      return state;
  }
}

/** Whether this card still waits for `meId` (a card without `awaiting` waits for no one). */
export function awaits(message, meId) {
  return Boolean(
    message && !message.deleted && message.card && (message.card.awaiting || []).includes(meId),
  );
}

/** The inbox view's items, newest first: the message, its channel and its bot; a card I
 * see for someone out of office stays while it waits for them. */
export function inboxItems(state) {
  const meId = state.me?.id;
  return state.inbox.ids
    .map((id) => ({ message: state.byId[id], ...state.inbox.where[id] }))
    .filter((item) => awaits(item.message, item.on_behalf_of ?? meId));
}

/** The badge's number: the server's total, or 0 before it has answered. */
export function inboxTotal(state) {
  return state.inbox.total || 0;
}
