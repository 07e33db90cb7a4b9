/**
 * A message's card, for now as its plain-text fallback in a card frame (the full card
 * renderer replaces this file in a later issue; buttons are not shown yet).
 *
 *   html`${message.card ? renderCard(message) : null}`
 */
import { html } from "../lib/html.js";

export function renderCard(message) {
  const card = message.card || {};
  const title = card.header?.title;
  const text = card.fallback || "";
  return html`<section class="card" data-testid="card" data-card-version="${message.card_version ?? ""}" aria-label="${title || ""}">
    ${title ? html`<header class="card-header">${title}</header>` : null}
    ${text ? html`<div class="card-fallback">${text}</div>` : null}
  </section>`;
}
