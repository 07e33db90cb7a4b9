/**
 * Pick people from the directory: a search box, results, and chips for those picked.
 *
 *   const picker = mountPeoplePicker(element, store, {
 *     label: t("create.members"),
 *     exclude: (id) => false,
 *   });
 *   picker.selected()  // → [personId, ...]
 *
 * Intents: searchPeople {q}.
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { nameOf } from "../state/selectors.js";
import { avatar } from "./avatar.js";
import { icon } from "./icons.js";

let counter = 0;

export function mountPeoplePicker(root, store, { label, exclude = () => false }) {
  const uid = `picker-${++counter}`;
  const picked = new Map();
  render(
    root,
    html`<div class="people-picker">
      <label for="${uid}">${label}</label>
      <div class="chips" aria-live="polite"></div>
      <input id="${uid}" type="search" autocomplete="off" placeholder="${t("picker.placeholder")}"
        data-testid="people-search">
      <ul class="picker-results" aria-label="${t("picker.results")}"></ul>
    </div>`,
  );
  const input = root.querySelector("input");
  const chips = root.querySelector(".chips");
  const results = root.querySelector(".picker-results");
  let last = null;

  function update(force = false) {
    const state = store.getState();
    if (!force && state.peopleResults === last) return;
    last = state.peopleResults;
    const locale = getLocale();
    const people = (state.peopleResults || []).filter(
      (p) => p.id !== state.me?.id && !picked.has(p.id) && !exclude(p.id),
    );
    render(
      results,
      html`${people.map((p) => {
        const label = html`<span class="option-label">${nameOf(p, locale)}</span>`;
        const who = `${p.title || ""} @${p.username}`;
        const detail = html`<span class="muted option-detail">${who}</span>`;
        return html`<li><button type="button" class="person-option" data-person-id="${p.id}">
      ${avatar(p, { locale, size: "sm" })}${label}${detail}</button></li>`;
      })}`,
    );
    render(
      chips,
      html`${[...picked.values()].map((p) => {
        const name = nameOf(p, locale);
        const label = t("picker.remove", { name });
        return html`<span class="chip">${name}<button type="button" class="chip-remove"
          data-remove-id="${p.id}" aria-label="${label}">${icon("close")}</button></span>`;
      })}`,
    );
  }

  input.addEventListener("input", () =>
    root.dispatchEvent(
      new CustomEvent("searchPeople", { bubbles: true, detail: { q: input.value.trim() } }),
    ),
  );
  root.addEventListener("click", (event) => {
    const add = event.target.closest("[data-person-id]");
    const remove = event.target.closest("[data-remove-id]");
    if (add) {
      const person = store.getState().people[add.dataset.personId];
      if (person) picked.set(person.id, person);
      update(true);
      input.focus();
    } else if (remove) {
      picked.delete(Number(remove.dataset.removeId));
      update(true);
    }
  });
  const unsubscribe = store.subscribe(() => update());
  root.dispatchEvent(new CustomEvent("searchPeople", { bubbles: true, detail: { q: "" } }));
  update(true);
  return { selected: () => [...picked.keys()], focus: () => input.focus(), destroy: unsubscribe };
}
