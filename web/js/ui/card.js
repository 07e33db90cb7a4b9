/**
 * A card in the page: gathers from the state what cards/render.js needs to draw it for
 * the person looking (which buttons they may press, what they typed, their request's
 * result, names for the pickers).
 *
 *   html`${message.card ? renderCard(message, { state, scope: "c", timeZone }) : null}`
 *   renderCard({ id: "e1", card }, { state, scope: "c", timeZone, mode: "ephemeral" })
 *   renderFormCard(state.form, { state, timeZone })
 *
 * `scope` tells apart two copies of one card on the page (the channel and the thread
 * pane), so every control keeps a unique id for its label.
 */
import { getLocale } from "../lib/i18n.js";
import { nameOf, personByUsername } from "../state/selectors.js";
import { actionsFor } from "../cards/access.js";
import { currentValues } from "../cards/values.js";
import { renderCardView } from "../cards/render.js";

export function renderCard(message, { state, scope = "c", timeZone, mode = "message" }) {
  const key = mode === "message" ? `m${message.id}` : `e${message.id}`;
  const me = state.me || {};
  return renderCardView(message.card, {
    ...common(state, key, message.card, timeZone),
    idPrefix: `${scope}-${key}`,
    mode,
    version: message.card_version ?? null,
    canTake: mode === "message" ? takeable(message.card, me, state.delegation) : new Set(),
  });
}

/** My actions on the card, and those of whoever I act for while they are out of office
 * (GET /api/v1/me/delegation); the hub checks again, and records both names. */
function takeable(card, me, delegation) {
  const mine = actionsFor(card, me.id, me.roles || []);
  for (const { person, roles } of delegation?.acting_for || []) {
    for (const id of actionsFor(card, person.id, roles || [])) mine.add(id);
  }
  return mine;
}

export function renderFormCard(form, { state, timeZone }) {
  const key = `f${form.form_id}`;
  return renderCardView(form.card, {
    ...common(state, key, form.card, timeZone),
    idPrefix: `form-${form.form_id}`,
    mode: "form",
    version: null,
    canTake: new Set(),
  });
}

function common(state, key, card, timeZone) {
  const locale = getLocale();
  const ui = state.cardUi[key] || {};
  const english = locale.startsWith("en");
  return {
    key,
    values: currentValues(card, state.cardDrafts[key]),
    ui,
    locale,
    timeZone,
    meId: state.me?.id,
    mentionOf: (username) => {
      const p = personByUsername(state, username);
      return p ? { id: p.id, display_name: nameOf(p, locale) } : null;
    },
    lookup: {
      personName: (id) => nameOf(state.people[id], locale),
      upload: (id) => state.uploads[id] || null,
      peopleResults: state.peopleResults || [],
      searching: ui.searching || null,
      query: ui.query || {},
      departments: (state.departments || []).map((d) => ({
        ...d,
        name: english && d.name_en ? d.name_en : d.name,
      })),
    },
  };
}
