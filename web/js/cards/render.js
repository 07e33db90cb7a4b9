/**
 * Draws a card document (docs/cards.md) as HTML: a pure function of the card and a view.
 *
 *   render(el, renderCardView(card, {
 *     key: "m42", idPrefix: "c-m42", mode: "message", version: 3,
 *     canTake: new Set(["approve"]), values, ui, lookup, locale, timeZone, meId,
 *   }));
 *
 * Modes: "message" (inputs and buttons only for someone who may take an action on it),
 * "form" (every input, no buttons: the form dialog has its own Submit), "ephemeral"
 * (display only: a private reply has no message to act on). `ui` holds what the person
 * sees of their own request: { busy: actionId, error, fieldErrors: {name: text}, note,
 * noteTone }. Buttons carry `data-card-action`; inputs carry `data-input` and `data-kind`;
 * web/js/cards/controller.js turns those into intents.
 */
import { html, raw } from "../lib/html.js";
import { t } from "../lib/i18n.js";
import { renderMarkdown } from "../lib/markdown.js";
import { formatShortDateTime, formatDateTime } from "../lib/format.js";
import { renderInput } from "./inputs.js";
import { renderTableBlock } from "./table.js";
import { localText } from "./text.js";

const STEP_MARK = { done: "✓", current: "●", pending: "○", rejected: "✕", skipped: "↷" };
const HTTPS = /^https:\/\//;

export function renderCardView(card, view) {
  const ui = view.ui || {};
  const interactive =
    view.mode === "form" || (view.mode === "message" && view.canTake && view.canTake.size > 0);
  const titleId = `${view.idPrefix}-title`;
  const header = card.header;
  const status = card.status;
  const tone = status?.tone || "neutral";
  const named = header ? html`aria-labelledby="${titleId}"` : html`aria-label="${t("card.label")}"`;
  const title = header
    ? html`<div class="card-title" id="${titleId}">${localText(header.title, view.locale)}</div>`
    : null;
  const statusTag = status
    ? html`<span class="card-status status-${tone}"
      data-testid="card-status">${localText(status.label, view.locale)}</span>`
    : null;
  const blocks = (card.blocks || []).map((block, index) =>
    renderBlock(block, index, view, interactive),
  );
  const note = ui.note
    ? html`<p class="card-note note-${ui.noteTone || "info"}" role="status"
      data-testid="card-note">${ui.note}</p>`
    : null;
  const error = ui.error
    ? html`<p class="card-error" role="alert" data-testid="card-error">${ui.error}</p>`
    : null;
  return html`<section class="card card-tone-${tone} card-${view.mode}" data-testid="card"
    data-card-key="${view.key}" data-focus-home="${view.idPrefix}" tabindex="-1"
    data-card-version="${view.version ?? ""}" ${named} aria-busy="${ui.busy ? "true" : "false"}">
    ${
      header || status
        ? html`<div class="card-head">
      ${header?.icon ? headerIcon(header.icon) : null}
      <div class="card-titles">
        ${title}
        ${
          header?.subtitle
            ? html`<div class="card-subtitle">${localText(header.subtitle, view.locale)}</div>`
            : null
        }
      </div>
      ${statusTag}
    </div>`
        : null
    }
    <div class="card-blocks">${blocks}</div>
    ${note}
    ${error}
  </section>`;
}

/** A picture from elsewhere loads once scrolled to, and does not tell its host who looks. */
const REMOTE_IMAGE = raw('loading="lazy" referrerpolicy="no-referrer"');

function headerIcon(icon) {
  return HTTPS.test(icon)
    ? html`<img class="card-icon card-icon-img" src="${icon}" alt="" ${REMOTE_IMAGE}>`
    : html`<span class="card-icon" aria-hidden="true">${icon}</span>`;
}

function renderBlock(block, index, view, interactive) {
  switch (block.type) {
    case "markdown": {
      const mentionOf = view.mentionOf || (() => null);
      const text = renderMarkdown(localText(block.text, view.locale), {
        meId: view.meId,
        mentionOf,
      });
      return html`<div class="card-block card-markdown">${text}</div>`;
    }
    case "fields":
      return html`<dl class="card-block card-fields">${block.fields.map(
        (field) => html`<div class="card-field${field.short === false ? " card-field-long" : ""}">
        <dt>${localText(field.label, view.locale)}</dt><dd>${
          localText(field.value, view.locale) || "—"
        }</dd></div>`,
      )}</dl>`;
    case "timeline": {
      const steps = block.steps.map((step) => timelineStep(step, view));
      return html`<ol class="card-block card-timeline">${steps}</ol>`;
    }
    case "divider":
      return html`<hr class="card-block card-divider">`;
    case "context":
      return html`<p class="card-block card-context">${localText(block.text, view.locale)}</p>`;
    case "image": {
      const img = html`<img src="${block.url}" alt="${block.alt}" ${REMOTE_IMAGE}>`;
      return html`<figure class="card-block card-image">${img}</figure>`;
    }
    case "table":
      return Array.isArray(block.columns) ? renderTableBlock(block, view) : null;
    case "input":
      return interactive ? renderInput(block, view) : null;
    case "actions":
      return view.mode === "message" && interactive ? actionRow(block, index, view) : null;
    default:
      // A newer hub may send block types this client does not know: the fallback covers them.
      return null;
  }
}

function timelineStep(step, view) {
  const when = step.at ? { locale: view.locale, timeZone: view.timeZone } : null;
  const title = html`<span class="step-title">${step.title}</span>`;
  const stateName = html`<span class="visually-hidden"> (${t(`card.step.${step.state}`)})</span>`;
  const time = when
    ? html`<time class="step-time" datetime="${step.at}"
        title="${formatDateTime(step.at, when)}">${formatShortDateTime(step.at, when)}</time>`
    : null;
  return html`<li class="step step-${step.state}" data-testid="card-step">
    <span class="step-mark" aria-hidden="true">${STEP_MARK[step.state] || "○"}</span>
    <div class="step-body">
      <div class="step-line">${title}${stateName}
        ${step.person_name ? html`<span class="step-person">${step.person_name}</span>` : null}
        ${time}</div>
      ${step.comment ? html`<p class="step-comment">${step.comment}</p>` : null}
    </div>
  </li>`;
}

function actionRow(block, _index, view) {
  const mine = block.actions.filter((action) => view.canTake.has(action.id));
  if (!mine.length) return null;
  const busy = view.ui?.busy;
  const buttons = mine.map((action) => {
    const style =
      action.style === "primary"
        ? "btn btn-primary"
        : action.style === "danger"
          ? "btn btn-danger"
          : "btn";
    const sending = busy === action.id;
    const cls = `${style}${sending ? " is-busy" : ""}`;
    const disabled = busy ? html`disabled` : null;
    return html`<button type="button" class="${cls}" data-card-action="${action.id}"
      ${disabled} aria-busy="${sending ? "true" : "false"}"
      >${localText(action.label, view.locale)}</button>`;
  });
  return html`<div class="card-block card-actions" role="group"
    aria-label="${t("card.actions")}">${buttons}</div>`;
}
