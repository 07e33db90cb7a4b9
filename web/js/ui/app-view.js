/**
 * A bot app's page in the main pane (docs/apps.md): imports the app's entry module
 * (/apps/<bot>/index.js) and calls its `mount(element, api)`, with the client's API for
 * apps from `hostFor(bot, path)` (apps/host.js); `unmount()` when another view opens.
 * Shown instead of the channel while `state.ui.appOpen`.
 *
 *   const view = mountAppView(mainElement, store, { hostFor });
 *   view.destroy();
 *
 * Intents: openDrawer.
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { appNamed } from "../state/apps.js";
import { icon } from "./icons.js";

export function mountAppView(root, store, { hostFor }) {
  render(
    root,
    html`<header class="pane-header app-header">
      <button type="button" class="icon-btn menu-btn" data-intent="openDrawer"
        aria-label="${t("header.openMenu")}" aria-controls="sidebar">${icon("menu")}</button>
      <h1 class="app-title" id="app-title"></h1>
    </header>
    <div class="app-scroll"><div class="app-body" data-testid="app-body"></div></div>`,
  );
  const title = root.querySelector(".app-title");
  const body = root.querySelector(".app-body");
  root.addEventListener("click", (event) => {
    if (event.target.closest("[data-intent=openDrawer]"))
      root.dispatchEvent(new CustomEvent("openDrawer", { bubbles: true }));
  });
  let shown = null; // "bot/path/locale" now mounted
  let mounted = null;
  let generation = 0;

  async function show(app, path) {
    const mine = ++generation;
    mounted?.unmount?.();
    mounted = null;
    body.replaceChildren();
    body.dataset.bot = app.bot;
    try {
      const module = await import(app.entry);
      if (mine !== generation) return;
      mounted = (await module.mount(body, hostFor(app.bot, path))) || {};
    } catch (error) {
      if (mine !== generation) return;
      render(body, html`<p class="muted">${t("apps.failed", { error: error.message })}</p>`);
    }
  }

  function update() {
    const state = store.getState();
    const open = state.ui.appOpen;
    root.hidden = !open;
    if (!open) {
      if (shown) {
        generation++;
        mounted?.unmount?.();
        mounted = null;
        shown = null;
        body.replaceChildren();
      }
      return;
    }
    const app = appNamed(state, open.bot);
    const locale = getLocale();
    title.textContent = app ? app.title[locale] || app.title.en : open.bot;
    const key = app ? `${open.bot}/${open.path}/${locale}` : `missing/${open.bot}`;
    if (key === shown) return;
    shown = key;
    if (app) show(app, open.path);
    else if (state.appsLoaded) {
      render(body, html`<p class="muted">${t("apps.notFound", { bot: open.bot })}</p>`);
    }
  }

  const unsubscribe = store.subscribe(update);
  update();
  return {
    destroy() {
      unsubscribe();
      generation++;
      mounted?.unmount?.();
    },
  };
}
