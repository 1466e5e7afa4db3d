// Small helpers the pages share: elements, field errors, the two confirmations, and
// sending a report.

import { t } from "./messages.js";
import { sendErrorKey } from "./reporting.js";

/** A new element with `text` (as text, never as markup) and attributes. */
export function element(tag, { text, className, attributes = {} } = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** Shows `text` in the error element `id`, and marks its field invalid. */
export function showError(id, text, field) {
  const error = document.getElementById(id);
  error.textContent = text;
  error.hidden = false;
  field?.setAttribute("aria-invalid", "true");
}

/** Hides the error element `id`. */
export function hideError(id, field) {
  document.getElementById(id).hidden = true;
  field?.removeAttribute("aria-invalid");
}

/**
 * Checks the two confirmations (#under-18, #consent); shows the error of each one not
 * ticked and moves focus to the first. True when both are ticked.
 */
export function checkConfirmations() {
  let first = null;
  for (const id of ["under-18", "consent"]) {
    const box = document.getElementById(id);
    const error = document.getElementById(`${id}-error`);
    error.hidden = box.checked;
    if (box.checked) box.removeAttribute("aria-invalid");
    else box.setAttribute("aria-invalid", "true");
    if (!box.checked && !first) first = box;
  }
  first?.focus();
  return first === null;
}

/** Moves to a section: shows it, hides `others`, and puts focus on its heading. */
export function showSection(section, others = []) {
  for (const other of others) other.hidden = other !== section;
  section.hidden = false;
  const heading = section.querySelector("h2");
  heading?.focus();
  section.scrollIntoView?.({ block: "start" });
}

/**
 * Sends a report. Resolves to `{ ok: true, receipt }` or `{ ok: false, status, message }`
 * (status 0: the hotline could not be reached).
 */
export async function sendReport(report) {
  let response;
  try {
    response = await fetch("/api/v1/reports", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(report),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    return { ok: false, status: 0, message: t(sendErrorKey(0)) };
  }
  if (response.status === 201) return { ok: true, receipt: await response.json() };
  return { ok: false, status: response.status, message: t(sendErrorKey(response.status)) };
}

/**
 * Switches on the buttons that need the page's scripts. They are served disabled, so that
 * a form cannot be sent the browser's own way (its fields in the address bar) before the
 * scripts have loaded, or without them.
 */
export function enableScriptedButtons() {
  for (const button of document.querySelectorAll("[data-needs-script]")) button.disabled = false;
}

/** Marks `button` busy (or not) while a request is under way. */
export function setBusy(button, busy, busyText) {
  if (busy) {
    button.dataset.label = button.textContent;
    button.textContent = busyText;
    button.setAttribute("aria-disabled", "true");
  } else {
    button.textContent = button.dataset.label ?? button.textContent;
    button.removeAttribute("aria-disabled");
  }
}
