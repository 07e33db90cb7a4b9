/**
 * "Bob is typing…" for a channel or a thread; re-checks every second so it fades by itself.
 *
 *   mountTypingIndicator(element, store, { thread: false });
 */
import { html, render } from "../lib/html.js";
import { t, getLocale } from "../lib/i18n.js";
import { typingPeople, nameOf } from "../state/selectors.js";

export function mountTypingIndicator(root, store, { thread = false } = {}) {
  let last = "";
  function update() {
    const state = store.getState();
    const channelId = thread
      ? state.byId[state.ui.threadRootId]?.channel_id
      : state.ui.openChannelId;
    const people =
      channelId == null
        ? []
        : typingPeople(state, channelId, thread ? state.ui.threadRootId : null, Date.now());
    const names = people.map((p) => nameOf(p, getLocale()));
    const text =
      names.length === 0
        ? ""
        : names.length === 1
          ? t("typing.one", { name: names[0] })
          : names.length === 2
            ? t("typing.two", { a: names[0], b: names[1] })
            : t("typing.many");
    if (text === last) return;
    last = text;
    render(
      root,
      text
        ? html`<span class="typing-dots"
            aria-hidden="true"><i></i><i></i><i></i></span><span>${text}</span>`
        : html``,
    );
  }
  const timer = setInterval(update, 1000);
  const unsubscribe = store.subscribe(update);
  update();
  return {
    destroy() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
