// Showing a new case's number and secret, once, with a button that copies both.

import { t } from "./messages.js";

/** Fills in the receipt (receipt.html) and wires its copy button. */
export function showReceipt({ case_id: caseId, case_secret: secret }) {
  document.getElementById("case-id").textContent = caseId;
  document.getElementById("case-secret").textContent = secret;
  const status = document.getElementById("copy-status");
  document.getElementById("copy-receipt").addEventListener("click", async () => {
    const copied = await copyText(
      `${label("case-id")}: ${caseId}\n${label("case-secret")}: ${secret}`,
    );
    status.textContent = t(copied ? "copied" : "copy-failed");
  });
}

function label(id) {
  return document.getElementById(id).closest("div")?.querySelector("dt")?.textContent ?? "";
}

/** Copies `text`; false where the browser allows no copying (plain http, old browsers). */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
