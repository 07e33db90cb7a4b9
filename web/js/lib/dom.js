/**
 * Small DOM helpers shared by components that redraw from state.
 *
 *   replaceKeepingFocus(oldRow, newRow);   // the person typing in oldRow keeps focus and caret
 */

/**
 * Swap an element for its redrawn copy; a focused control (found again by id) keeps the focus
 * and caret.
 */
export function replaceKeepingFocus(oldEl, newEl) {
  const doc = oldEl.ownerDocument;
  const active = doc.activeElement;
  const inside = Boolean(active && active !== oldEl && oldEl.contains(active));
  const caret =
    inside && typeof active.selectionStart === "number"
      ? [active.selectionStart, active.selectionEnd]
      : null;
  // A control that is gone (the button of a card that answered) hands the focus to the
  // nearest thing marked data-focus-home (the card itself), not to the page's body.
  const home = inside ? active.closest("[data-focus-home]")?.dataset.focusHome : null;
  oldEl.replaceWith(newEl);
  if (!inside) return;
  const again =
    (active.id && newEl.querySelector(`#${CSS.escape(active.id)}`)) ||
    (home && newEl.querySelector(`[data-focus-home="${CSS.escape(home)}"]`));
  if (!again) return;
  again.focus({ preventScroll: true });
  if (caret && typeof again.setSelectionRange === "function") {
    try {
      again.setSelectionRange(...caret);
    } catch {
      // Inputs such as type=date or number have no caret to restore.
    }
  }
}
