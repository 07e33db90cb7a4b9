/**
 * The message composer: Enter sends, Shift+Enter breaks the line, IME-safe, @mention and
 * /command autocomplete, a draft per channel (and thread) kept in localStorage.
 *
 *   const composer = mountComposer(el, store, {
 *     scope: (state) => ({ channelId, threadRootId, title }),  // where this composer writes
 *     storage: localStorage,
 *   });
 *
 * Intents (bubbling CustomEvents): sendMessage {channelId, threadRootId, text},
 * typing {channelId, threadRootId}, editLast {channelId}, searchPeople {q}.
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { mentionCandidates, commandCandidates, nameOf } from "../state/selectors.js";
import { avatar } from "./avatar.js";
import { icon } from "./icons.js";
import { loadDraft, saveDraft } from "../state/drafts.js";

const emit = (el, name, detail) =>
  el.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
let counter = 0;

export function mountComposer(root, store, { scope, storage = globalThis.localStorage }) {
  const uid = `composer-${++counter}`;
  render(
    root,
    html`<form class="composer" data-testid="composer">
      <div class="composer-box">
        <label class="visually-hidden" for="${uid}-input"></label>
        <textarea id="${uid}-input" rows="1" autocomplete="off" aria-autocomplete="list"
          aria-controls="${uid}-list"></textarea>
        <button type="submit" class="icon-btn send-btn">${icon("send")}</button>
      </div>
      <ul class="autocomplete" id="${uid}-list" role="listbox" hidden></ul>
      <p class="composer-hint muted" aria-hidden="true"></p>
    </form>`,
  );
  const form = root.querySelector("form");
  const input = root.querySelector("textarea");
  const label = root.querySelector("label");
  const sendButton = root.querySelector(".send-btn");
  const listbox = root.querySelector(".autocomplete");
  const hint = root.querySelector(".composer-hint");
  let current = null;
  let lastTyping = 0;
  let suggestions = [];
  let active = 0;
  let token = null;
  let lastSearch = "";

  const key = (s) => (s.threadRootId ? `${s.channelId}:${s.threadRootId}` : `${s.channelId}`);

  function applyScope() {
    const state = store.getState();
    const next = scope(state);
    if (!next || next.channelId == null) {
      current = null;
      return;
    }
    const title = next.title;
    const placeholder = next.threadRootId
      ? t("composer.replyPlaceholder")
      : next.direct
        ? t("composer.placeholderDirect", { name: title })
        : t("composer.placeholder", { name: title });
    if (!current || key(current) !== key(next)) {
      if (current) saveDraft(storage, key(current), input.value);
      current = next;
      input.value = loadDraft(storage, key(next));
      autosize();
      closeSuggestions();
    }
    current = next;
    input.placeholder = placeholder;
    label.textContent = placeholder;
    input.disabled = Boolean(next.archived);
    sendButton.setAttribute("aria-label", t("composer.send"));
    sendButton.title = t("composer.send");
    hint.textContent = next.archived ? t("composer.archived") : t("composer.hint");
    if (token) refreshSuggestions();
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
  }

  function submit() {
    if (!current) return;
    const text = input.value.trim();
    if (!text) return;
    emit(root, "sendMessage", {
      channelId: current.channelId,
      threadRootId: current.threadRootId ?? null,
      text,
    });
    input.value = "";
    saveDraft(storage, key(current), "");
    autosize();
    closeSuggestions();
  }

  function findToken() {
    const caret = input.selectionStart;
    const before = input.value.slice(0, caret);
    const command = /^\/([\w-]*)$/.exec(before);
    if (command) return { kind: "command", query: command[1], start: 0, end: caret };
    const mention = /(^|[^\w@])@([\w.\-\u3400-\u9fff]*)$/.exec(before);
    if (mention)
      return {
        kind: "mention",
        query: mention[2],
        start: caret - mention[2].length - 1,
        end: caret,
      };
    return null;
  }

  function refreshSuggestions() {
    const state = store.getState();
    token = findToken();
    if (!token || !current) return closeSuggestions();
    if (token.kind === "command") {
      suggestions = commandCandidates(state, token.query).map((c) => ({
        value: `/${c.name} `,
        label: `/${c.name}`,
        takesArgs: Boolean(c.usage),
        detail: [c.usage, c.description].filter(Boolean).join(" — "),
      }));
    } else {
      if (state.me?.kind !== "guest" && token.query && token.query !== lastSearch) {
        lastSearch = token.query;
        emit(root, "searchPeople", { q: token.query });
      }
      suggestions = mentionCandidates(state, current.channelId, token.query, getLocale()).map(
        (p) => ({
          value: `@${p.username} `,
          label: nameOf(p, getLocale()),
          detail: `@${p.username}`,
          person: p,
        }),
      );
    }
    if (!suggestions.length) return closeSuggestions();
    active = Math.min(active, suggestions.length - 1);
    render(
      listbox,
      html`${suggestions.map((s, i) => {
        const lead = s.person
          ? avatar(s.person, { locale: getLocale(), size: "sm" })
          : html`<span class="cmd-slash" aria-hidden="true">/</span>`;
        const detail = html`<span class="option-detail muted">${s.detail}</span>`;
        return html`<li role="option" id="${uid}-opt-${i}"
          class="${i === active ? "option active" : "option"}"
          aria-selected="${i === active ? "true" : "false"}" data-index="${i}">
      ${lead}
      <span class="option-label">${s.label}</span>${detail}</li>`;
      })}`,
    );
    listbox.setAttribute(
      "aria-label",
      token.kind === "command" ? t("composer.commands") : t("composer.mentions"),
    );
    listbox.hidden = false;
    input.setAttribute("aria-activedescendant", `${uid}-opt-${active}`);
  }

  function closeSuggestions() {
    suggestions = [];
    token = null;
    active = 0;
    listbox.hidden = true;
    input.removeAttribute("aria-activedescendant");
  }

  function choose(index) {
    const s = suggestions[index];
    if (!s || !token) return;
    const value = input.value;
    input.value = value.slice(0, token.start) + s.value + value.slice(token.end);
    const caret = token.start + s.value.length;
    input.setSelectionRange(caret, caret);
    closeSuggestions();
    input.focus();
    saveDraft(storage, key(current), input.value);
  }

  input.addEventListener("keydown", (event) => {
    // While an IME is composing (Chinese pinyin), Enter picks the candidate: never send then.
    if (event.isComposing || event.keyCode === 229) return;
    if (!listbox.hidden && suggestions.length) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active =
          (active + (event.key === "ArrowDown" ? 1 : suggestions.length - 1)) % suggestions.length;
        refreshSuggestions();
        return;
      }
      // A command that takes no arguments, typed out in full, runs on Enter, as people expect
      // of "/help"; one that takes arguments completes so they can be typed. Tab completes.
      const chosen = suggestions[active];
      const typedInFull =
        token?.kind === "command" && chosen?.label === `/${token.query}` && !chosen.takesArgs;
      if (event.key === "Tab" || (event.key === "Enter" && !typedInFull)) {
        event.preventDefault();
        choose(active);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        closeSuggestions();
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      submit();
    } else if (event.key === "ArrowUp" && !input.value && current && !current.threadRootId) {
      event.preventDefault();
      emit(root, "editLast", { channelId: current.channelId });
    }
  });
  input.addEventListener("input", () => {
    autosize();
    if (!current) return;
    saveDraft(storage, key(current), input.value);
    const now = Date.now();
    if (input.value.trim() && !input.value.startsWith("/") && now - lastTyping > 2200) {
      lastTyping = now;
      emit(root, "typing", {
        channelId: current.channelId,
        threadRootId: current.threadRootId ?? null,
      });
    }
    refreshSuggestions();
  });
  input.addEventListener("blur", () => setTimeout(closeSuggestions, 150));
  listbox.addEventListener("mousedown", (event) => {
    const option = event.target.closest("[data-index]");
    if (option) {
      event.preventDefault();
      choose(Number(option.dataset.index));
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });

  const unsubscribe = store.subscribe((state, previous) => {
    if (
      state.ui !== previous.ui ||
      state.channels !== previous.channels ||
      state.peopleResults !== previous.peopleResults ||
      state.members !== previous.members
    )
      applyScope();
  });
  applyScope();
  return {
    focus: () => input.focus(),
    destroy() {
      if (current) saveDraft(storage, key(current), input.value);
      unsubscribe();
    },
  };
}
