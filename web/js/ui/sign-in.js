/**
 * The sign-in page: username and password; errors in words (a locked account says how long).
 *
 *   const page = mountSignIn(mainElement, store);
 *
 * Intents: signIn {username, password}, setLocale {locale}.
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";

export function mountSignIn(root, store) {
  render(
    root,
    html`<main class="sign-in-page">
      <form class="sign-in" data-testid="sign-in-form" novalidate>
        <div class="brand"><img src="/favicon.svg" alt="" width="40"
          height="40"><h1>${t("app.name")}</h1></div>
        <p class="muted">${t("signIn.intro")}</p>
        <label for="sign-in-username">${t("signIn.username")}</label>
        <input id="sign-in-username" name="username" autocomplete="username" autocapitalize="none"
          spellcheck="false" required>
        <label for="sign-in-password">${t("signIn.password")}</label>
        <input id="sign-in-password" name="password" type="password"
          autocomplete="current-password" required>
        <p class="form-error" role="alert" data-testid="sign-in-error"></p>
        <button type="submit" class="btn btn-primary btn-block">${t("signIn.submit")}</button>
        <div class="lang-switch" role="group" aria-label="${t("settings.language")}">
          <button type="button" class="link-btn" data-locale="en" lang="en"
            aria-pressed="${getLocale() === "en" ? "true" : "false"}">English</button>
          <span aria-hidden="true">·</span>
          <button type="button" class="link-btn" data-locale="zh-CN" lang="zh-CN"
            aria-pressed="${getLocale() === "zh-CN" ? "true" : "false"}">简体中文</button>
        </div>
      </form>
    </main>`,
  );
  const form = root.querySelector("form");
  const error = root.querySelector(".form-error");
  const button = form.querySelector("button[type=submit]");

  function describe(e) {
    if (!e) return "";
    if (e.code === "too_many_attempts") {
      const minutes = Math.max(1, Math.ceil((e.retryAfter || 60) / 60));
      return t("signIn.locked", { count: minutes });
    }
    if (e.code === "network") return t("signIn.network");
    if (e.status === 401 || e.code === "invalid_credentials" || e.code === "unauthorized")
      return t("signIn.wrong");
    return e.message || t("signIn.failed");
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    if (!username || !password) {
      error.textContent = t("signIn.missing");
      return;
    }
    button.disabled = true;
    root.dispatchEvent(
      new CustomEvent("signIn", { bubbles: true, detail: { username, password } }),
    );
  });
  root.addEventListener("click", (event) => {
    const lang = event.target.closest("[data-locale]");
    if (lang)
      root.dispatchEvent(
        new CustomEvent("setLocale", { bubbles: true, detail: { locale: lang.dataset.locale } }),
      );
  });
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.signInError !== previous.signInError) {
      error.textContent = describe(state.signInError);
      button.disabled = false;
      if (state.signInError) form.elements.password.select();
    }
  });
  setTimeout(() => form.elements.username.focus(), 0);
  return { destroy: unsubscribe };
}
