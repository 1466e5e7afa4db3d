// Checking a case with its number and secret, and withdrawing it.

import { t } from "./messages.js";
import { describeCase, statusErrorKey } from "./reporting.js";
import { element, enableScriptedButtons, hideError, showError } from "./ui.js";

const form = document.getElementById("status-form");
const caseField = document.getElementById("case-number");
const secretField = document.getElementById("case-secret-input");
const progress = document.getElementById("status-progress");
const section = document.getElementById("case");
const dialog = document.getElementById("withdraw-dialog");
const withdrawResult = document.getElementById("withdraw-result");
/** The case being shown: kept in memory only, for the withdrawal. */
let shown = null;

function caseUrl(caseId) {
  return `/api/v1/reports/${encodeURIComponent(caseId)}`;
}

async function call(method, caseId, secret) {
  try {
    return await fetch(caseUrl(caseId), {
      method,
      headers: { Authorization: `Bearer ${secret}` },
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    return { ok: false, status: 0 };
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const caseId = caseField.value.replace(/\s+/g, "");
  const secret = secretField.value.replace(/\s+/g, "");
  if (!caseId || !secret) {
    showError("status-error", t("status-missing"), caseId ? secretField : caseField);
    (caseId ? secretField : caseField).focus();
    return;
  }
  hideError("status-error", caseField);
  hideError("status-error", secretField);
  withdrawResult.textContent = "";
  progress.textContent = t("status-loading");
  const response = await call("GET", caseId, secret);
  progress.textContent = "";
  if (!response.ok) {
    section.hidden = true;
    shown = null;
    showError("status-error", t(statusErrorKey(response.status)), caseField);
    secretField.setAttribute("aria-invalid", "true");
    caseField.focus();
    return;
  }
  shown = { caseId, secret };
  render(await response.json());
  document.getElementById("case-title").focus();
});

function render(status) {
  const view = describeCase(status);
  const dates = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "long",
  });
  const date = dates.format(view.receivedAt);
  document.getElementById("case-summary").textContent =
    `${t("status-received", { date })} ${t(view.summaryKey)}`;
  document.getElementById("case-outcomes").textContent = t(view.outcomes.key, view.outcomes.args);
  document.getElementById("case-hashes").replaceChildren(
    ...view.hashes.map((hash) => {
      const item = element("li");
      item.append(
        element("span", { className: "item-name", text: `${t(hash.kindKey)} (${hash.algorithm.toUpperCase()}) ` }),
        element("code", { text: hash.shortValue }),
        element("span", { className: "item-state", text: t(hash.stateKey) }),
        element("span", {
          className: "item-outcomes",
          text: t("outcomes", {
            matched: hash.outcomes.matched,
            removed: hash.outcomes.removed,
            blocked: hash.outcomes.blocked_upload,
          }),
        }),
      );
      return item;
    }),
  );
  document.getElementById("case-urls-block").hidden = view.urls.length === 0;
  document.getElementById("case-urls").replaceChildren(
    ...view.urls.map((url) => {
      const item = element("li");
      item.append(
        element("span", { className: "item-name url", text: url.url }),
        element("span", {
          className: "item-state",
          text: t(url.stateKey, {
            date: url.since ? dates.format(url.since) : "",
            reason: url.reason ?? "",
          }),
        }),
      );
      return item;
    }),
  );
  document.getElementById("withdraw-block").hidden = !view.open;
  section.hidden = false;
}

document.getElementById("withdraw").addEventListener("click", () => dialog.showModal());
document.getElementById("withdraw-no").addEventListener("click", () => dialog.close());
document.getElementById("withdraw-yes").addEventListener("click", async () => {
  dialog.close();
  if (!shown) return;
  const response = await call("DELETE", shown.caseId, shown.secret);
  if (!response.ok) {
    withdrawResult.textContent = t("withdraw-failed");
    return;
  }
  const refreshed = await call("GET", shown.caseId, shown.secret);
  if (refreshed.ok) render(await refreshed.json());
  withdrawResult.textContent = t("withdrawn-done");
  // The withdraw button has gone; the case's heading is where the reader is.
  document.getElementById("case-title").focus();
});

enableScriptedButtons();
