/**
 * Reaction emoji: the quick picks and the server's rule for what a reaction may be.
 *
 * @example
 *   import { QUICK_REACTIONS, isEmoji } from "./lib/emoji.js";
 *   html`${QUICK_REACTIONS.map((e) => html`<button data-emoji="${e}">${e}</button>`)}`;
 *   if (isEmoji(picked)) dispatch(new CustomEvent("react", { detail: { emoji: picked } }));
 */

export const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉", "👀", "🙏", "✅", "🔥"];

// The server's check_emoji: ^[^\s]{1,64}$ over code points, with Python's whitespace
// (which also counts \x1c-\x1f and \x85).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are Python's whitespace too.
const EMOJI = /^[^\s\x1c-\x1f\x85]{1,64}$/u;

/**
 * Whether text is acceptable as a reaction: 1-64 characters, no whitespace.
 * @param {unknown} text
 * @returns {boolean}
 */
export function isEmoji(text) {
  return typeof text === "string" && EMOJI.test(text);
}
