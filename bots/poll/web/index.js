/**
 * The poll app's page: the latest polls in the channels you can read, each opening its
 * card in its channel. Mounted by the web client in its main pane (docs/apps.md):
 *
 *   import { mount } from "/apps/poll/index.js";
 *   const page = await mount(element, api);  // api.fetch, api.locale, api.navigate ...
 *   page.unmount?.();
 */

const WORDS = {
  en: {
    empty: "No polls yet. Start one with /poll in a channel.",
    open: "Open",
    closed: "Closed",
    votes: (n) => `${n} ${n === 1 ? "vote" : "votes"}`,
    show: "Show in channel",
    failed: "Could not load the polls.",
  },
  "zh-CN": {
    empty: "还没有投票。在频道里用 /poll 发起一个。",
    open: "进行中",
    closed: "已结束",
    votes: (n) => `${n} 票`,
    show: "在频道中查看",
    failed: "无法加载投票。",
  },
};

function element(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  Object.assign(el, props);
  for (const child of children) el.append(child);
  return el;
}

export async function mount(root, api) {
  const words = WORDS[api.locale] || WORDS.en;
  const list = element("ul", { className: "poll-app-list" });
  root.replaceChildren(list); // the client's header shows the app's title
  let polls = [];
  try {
    polls = (await api.fetch("/polls")).polls;
  } catch {
    list.replaceWith(element("p", { className: "muted", textContent: words.failed }));
    return {};
  }
  if (polls.length === 0) {
    list.replaceWith(element("p", { className: "muted", textContent: words.empty }));
    return {};
  }
  for (const poll of polls) {
    const state = poll.closed ? words.closed : words.open;
    const show = element("button", {
      type: "button",
      className: "link-btn",
      textContent: words.show,
    });
    show.addEventListener("click", () =>
      api.navigate(`#/c/${poll.channel_id}/m/${poll.message_id}`),
    );
    list.append(
      element("li", { className: "poll-app-item" }, [
        element("strong", { textContent: poll.question }),
        element("span", {
          className: "muted",
          textContent: ` · ${state} · ${words.votes(poll.votes)} · `,
        }),
        show,
      ]),
    );
    list.lastChild.dataset.testid = "poll-app-item";
  }
  return { unmount() {} };
}
