// The trusted adult's report: web addresses only, never an image.

import { pageSettings, t } from "./messages.js";
import { showReceipt } from "./receipt.js";
import { buildReport, parseUrls } from "./reporting.js";
import {
  checkConfirmations,
  enableScriptedButtons,
  hideError,
  sendReport,
  setBusy,
  showError,
  showSection,
} from "./ui.js";

const settings = pageSettings();
const form = document.getElementById("adult-form");
const urlField = document.getElementById("urls");
const send = document.getElementById("send");
let sending = false;

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (sending) return;
  const parsed = parseUrls(urlField.value, { max: settings.maxUrls, required: true });
  if (parsed.error) {
    showError("urls-error", t(parsed.error.key, parsed.error.args), urlField);
    urlField.focus();
    return;
  }
  hideError("urls-error", urlField);
  if (!checkConfirmations()) return;
  sending = true;
  setBusy(send, true, t("sending"));
  hideError("send-error");
  const answer = await sendReport(buildReport({ reporter: "trusted_adult", urls: parsed.urls }));
  sending = false;
  setBusy(send, false);
  if (!answer.ok) {
    showError("send-error", answer.message);
    return;
  }
  showReceipt(answer.receipt);
  const done = document.getElementById("adult-done");
  showSection(done, [document.getElementById("adult-report"), done]);
});

enableScriptedButtons();
