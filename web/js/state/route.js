/**
 * Links: the address names what is shown, so a link can be shared and Back works
 * (docs/web.md, "Links"). Pure: the state to a hash, and a hash to what to open.
 *
 *   hashOf(state)               // "#/c/12/t/340"
 *   parseHash("#/apps/poll/x")  // { kind: "app", bot: "poll", path: "x" }
 *
 * Addresses: #/c/<channel>, #/c/<channel>/t/<thread root>, #/c/<channel>/m/<message>
 * (scrolled to and highlighted), #/inbox, #/apps/<bot>[/<sub path>].
 */

const ID = /^[1-9]\d{0,15}$/;
const BOT = /^[a-z][a-z0-9_-]{1,39}$/;

export function hashOf(state) {
  const ui = state.ui;
  if (ui.appOpen) return `#/apps/${ui.appOpen.bot}${ui.appOpen.path ? `/${ui.appOpen.path}` : ""}`;
  if (ui.inboxOpen) return "#/inbox";
  if (ui.openChannelId == null) return "";
  const channel = `#/c/${ui.openChannelId}`;
  if (ui.threadRootId != null) return `${channel}/t/${ui.threadRootId}`;
  if (ui.focusMessageId != null) return `${channel}/m/${ui.focusMessageId}`;
  return channel;
}

/** What a hash asks to open, or null for one that names nothing. */
export function parseHash(hash) {
  const parts = String(hash || "")
    .replace(/^#\/?/, "")
    .split("/")
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return "";
      }
    });
  if (parts[0] === "inbox" && parts.length === 1) return { kind: "inbox" };
  if (parts[0] === "apps" && BOT.test(parts[1] || "")) {
    const path = parts.slice(2).filter(Boolean).join("/");
    return { kind: "app", bot: parts[1], path };
  }
  if (parts[0] !== "c" || !ID.test(parts[1] || "")) return null;
  const channelId = Number(parts[1]);
  if (parts.length === 2) return { kind: "channel", channelId };
  if (parts.length === 4 && ID.test(parts[3])) {
    if (parts[2] === "t") return { kind: "thread", channelId, rootId: Number(parts[3]) };
    if (parts[2] === "m") return { kind: "message", channelId, messageId: Number(parts[3]) };
  }
  return null;
}
