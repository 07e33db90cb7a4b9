/**
 * Small DOM helpers shared by components that redraw from state.
 *
 *   replaceKeepingFocus(oldRow, newRow);   // the person typing in oldRow keeps focus and caret
 */

/** Swap an element for its redrawn copy; a focused control (found again by id) keeps the focus and caret. */
export function replaceKeepingFocus(oldEl, newEl) {
  const doc = oldEl.ownerDocument;
  const active = doc.activeElement;
  const inside = Boolean(active && active.id && oldEl.contains(active));
  const caret = inside && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null;
  oldEl.replaceWith(newEl);
  if (!inside) return;
  const again = newEl.querySelector(`#${CSS.escape(active.id)}`);
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
