/**
 * The quick switcher (Ctrl/Cmd+K): fuzzy-find a channel or a person, Enter opens it.
 *
 *   const switcher = mountQuickSwitcher(dialogBody, store);
 *
 * Intents: openChannel {channelId}, openDirect {personIds}, searchPeople {q}, closeDialog.
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { switcherItems, directPartner } from "../state/selectors.js";
import { avatar } from "./avatar.js";
import { icon } from "./icons.js";

const kindIcon = (channel) => (channel.kind === "private" ? "lock" : "hash");

export function mountQuickSwitcher(root, store) {
  render(
    root,
    html`<div class="switcher" data-testid="quick-switcher">
      <label class="visually-hidden" for="switcher-q">${t("switcher.label")}</label>
      <div class="switcher-input">${icon("search")}<input id="switcher-q" type="text"
        autocomplete="off" role="combobox" aria-expanded="true" aria-controls="switcher-list"
        placeholder="${t("switcher.placeholder")}"></div>
      <ul id="switcher-list" class="switcher-list" role="listbox"
        aria-label="${t("switcher.label")}"></ul>
      <p class="muted small switcher-hint">${t("switcher.hint")}</p>
    </div>`,
  );
  const input = root.querySelector("input");
  const list = root.querySelector("ul");
  const emit = (name, detail) =>
    root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  let items = [];
  let active = 0;

  function update() {
    const state = store.getState();
    const locale = getLocale();
    items = switcherItems(state, input.value.trim(), locale);
    active = Math.min(active, Math.max(0, items.length - 1));
    render(
      list,
      html`${items.map((item, i) => {
        const lead =
          item.kind === "channel"
            ? html`<span class="channel-icon">${icon(kindIcon(item.channel))}</span>`
            : avatar(
                item.kind === "person"
                  ? item.person
                  : directPartner(state, item.channel) || { id: item.id, display_name: item.title },
                { locale, size: "xs" },
              );
        const label = html`<span class="option-label">${item.title}</span>`;
        const kind = t(`switcher.kind.${item.kind}`);
        const detail = html`<span class="muted option-detail">${kind}</span>`;
        return html`<li role="option" id="switcher-opt-${i}"
          class="${i === active ? "option active" : "option"}"
          aria-selected="${i === active ? "true" : "false"}"
          data-index="${i}">${lead}${label}${detail}</li>`;
      })}${items.length ? null : html`<li class="muted empty">${t("switcher.none")}</li>`}`,
    );
    if (items.length) input.setAttribute("aria-activedescendant", `switcher-opt-${active}`);
    else input.removeAttribute("aria-activedescendant");
  }

  function choose(index) {
    const item = items[index];
    if (!item) return;
    if (item.kind === "person") emit("openDirect", { personIds: [item.id] });
    else emit("openChannel", { channelId: item.id });
  }

  input.addEventListener("input", () => {
    active = 0;
    const q = input.value.trim();
    if (q && store.getState().me?.kind !== "guest") emit("searchPeople", { q });
    update();
  });
  input.addEventListener("keydown", (event) => {
    if (event.isComposing || event.keyCode === 229) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (items.length)
        active = (active + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      update();
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(active);
    }
  });
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[data-index]");
    if (option) choose(Number(option.dataset.index));
  });
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.peopleResults !== previous.peopleResults || state.channels !== previous.channels)
      update();
  });
  update();
  setTimeout(() => input.focus(), 0);
  return { destroy: unsubscribe };
}
