/**
 * An avatar: a coloured circle with a person's initials, and an optional presence dot.
 *
 *   html`${avatar(person, { locale: "en", presence: "online", size: "sm" })}`
 *   html`${channelBadge(channel)}`   // "#" or a lock for the sidebar
 */
import { html } from "../lib/html.js";
import { t } from "../lib/i18n.js";
import { avatarHue, initials, nameOf } from "../state/selectors.js";

export function avatar(person, { locale, presence = null, size = "md" } = {}) {
  const name = nameOf(person, locale);
  const hue = avatarHue(person?.id ?? 0);
  const dot = presence ? presenceDot(presence) : null;
  return html`<span class="avatar avatar-${size}" style="--hue: ${hue}"
    aria-hidden="true">${initials(name)}${dot}</span>`;
}

export function presenceDot(status) {
  return html`<span class="presence presence-${status}" role="img"
    aria-label="${t(`presence.${status}`)}"></span>`;
}
