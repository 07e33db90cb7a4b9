/**
 * Which of a card's actions a person may take: the client's copy of hub/cards/access.py.
 *
 *   actionsFor(card, me.id, me.roles)  // → Set of action ids, in card order
 *
 * The card shows only these buttons; the hub checks again when an action arrives, so this
 * decides what is shown, never what is allowed. No `allowed` means anyone who can see the
 * card; an `allowed` naming nobody means no one (it fails closed, as on the server).
 */

/** Every action of the card, in order. */
export function cardActions(card) {
  const list = [];
  for (const block of card?.blocks || []) {
    if (block?.type === "actions") list.push(...(block.actions || []));
  }
  return list;
}

/** The action with this id, or null. */
export function findAction(card, actionId) {
  return cardActions(card).find((action) => action.id === actionId) || null;
}

/** Whether the person (with these roles) may take the action. */
export function mayTake(action, personId, roles = []) {
  const allowed = action?.allowed;
  if (allowed == null) return true;
  if ((allowed.people || []).includes(personId)) return true;
  return (allowed.roles || []).some((role) => roles.includes(role));
}

/** The ids of the actions the person may take. */
export function actionsFor(card, personId, roles = []) {
  return new Set(
    cardActions(card)
      .filter((action) => mayTake(action, personId, roles))
      .map((action) => action.id),
  );
}
