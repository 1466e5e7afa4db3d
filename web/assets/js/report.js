// The young person's report: confirmations, pictures fingerprinted on the device, optional
// URLs, a check, and the case number and secret.

import { startFingerprinter } from "./fingerprint.js";
import { pageSettings, t } from "./messages.js";
import { showReceipt } from "./receipt.js";
import { assessPicture, buildReport, maxPictures, parseUrls } from "./reporting.js";
import { checkConfirmations, element, hideError, sendReport, showError, showSection } from "./ui.js";

const settings = pageSettings();
const limit = maxPictures(settings.maxHashes);
const steps = ["intro", "pictures", "urls", "check", "done"].map((name) =>
  document.getElementById(`step-${name}`),
);
let current = 0;
/** The pictures chosen: name, state, fingerprints. The files themselves are not kept. */
const pictures = [];
let urls = [];
/** Started at the first picture, so that merely opening the page loads nothing more. */
let fingerprinter = null;
/** Whether the reader said they don't have the picture, only where it was seen. */
let urlsOnly = false;

function go(index) {
  current = index;
  showSection(steps[index], steps);
}

document.querySelectorAll("[data-back]").forEach((button) =>
  button.addEventListener("click", () => go(current === 2 && urlsOnly ? 1 : current - 1)),
);

document.getElementById("confirm-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (checkConfirmations()) go(1);
});

const input = document.getElementById("pictures");
const list = document.getElementById("picture-list");

input.addEventListener("change", () => {
  hideError("pictures-error", input);
  for (const file of input.files) {
    if (pictures.length >= limit) {
      showError("pictures-error", t("pictures_too_many", { max: limit }), input);
      break;
    }
    addPicture(file);
  }
  // So the same file can be chosen again after it was removed.
  input.value = "";
});

function addPicture(file) {
  fingerprinter ??= startFingerprinter();
  const picture = { name: file.name, state: "working", hashes: [], sha256: null };
  pictures.push(picture);
  const item = element("li", { className: "file", attributes: { "data-state": "working" } });
  const name = element("span", { className: "file-name", text: file.name });
  const state = element("span", { className: "file-state", text: t("file_working") });
  const remove = element("button", {
    className: "link-button",
    text: t("remove"),
    attributes: { type: "button", "aria-label": t("file_remove", { name: file.name }) },
  });
  remove.addEventListener("click", () => {
    pictures.splice(pictures.indexOf(picture), 1);
    item.remove();
    input.focus();
  });
  item.append(name, state, remove);
  list.append(item);

  fingerprinter
    .fingerprint(file)
    .then((result) => {
      const assessed = assessPicture(result, settings.minPdqQuality);
      const duplicate =
        result.sha256 && pictures.some((p) => p !== picture && p.sha256 === result.sha256);
      picture.sha256 = result.sha256 ?? null;
      picture.state = duplicate ? "duplicate" : assessed.state;
      picture.hashes = duplicate ? [] : assessed.hashes;
    })
    .catch(() => {
      picture.state = "failed";
    })
    .finally(() => {
      state.textContent = t(`file_${picture.state}`);
      item.dataset.state = picture.state;
      if (picture.state === "working") return;
      maybeFinishPictures();
    });
}

/** The messages each picture state shows (listed, so that none goes missing). */
export const PICTURE_STATES = {
  working: "file_working",
  ready: "file_ready",
  exact_only: "file_exact_only",
  unreadable: "file_unreadable",
  video: "file_video",
  duplicate: "file_duplicate",
  failed: "file_failed",
};

function maybeFinishPictures() {
  if (pictures.every((p) => p.state !== "working")) {
    document.getElementById("pictures-continue").removeAttribute("aria-disabled");
  }
}

document.getElementById("pictures-continue").addEventListener("click", () => {
  if (pictures.length === 0) {
    showError("pictures-error", t("pictures_none"), input);
    input.focus();
  } else if (pictures.some((p) => p.state === "working")) {
    showError("pictures-error", t("pictures_busy"), input);
  } else if (!pictures.some((p) => p.hashes.length > 0)) {
    showError("pictures-error", t("pictures_none_usable"), input);
    input.focus();
  } else {
    hideError("pictures-error", input);
    urlsOnly = false;
    go(2);
  }
});

document.getElementById("no-picture").addEventListener("click", () => {
  urlsOnly = true;
  go(2);
});

const urlField = document.getElementById("urls");
document.getElementById("urls-continue").addEventListener("click", () => {
  const parsed = parseUrls(urlField.value, { max: settings.maxUrls, required: urlsOnly });
  if (parsed.error) {
    showError("urls-error", t(parsed.error.key, parsed.error.args), urlField);
    urlField.focus();
    return;
  }
  hideError("urls-error", urlField);
  urls = parsed.urls;
  fillCheck();
  go(3);
});

function usable() {
  return urlsOnly ? [] : pictures.filter((p) => p.hashes.length > 0);
}

function fillList(id, items, render) {
  const target = document.getElementById(id);
  target.replaceChildren(...items.map(render));
  if (items.length === 0) target.append(element("li", { text: t("none") }));
}

function fillCheck() {
  const chosen = usable();
  fillList("check-pictures", chosen, (p) => element("li", { text: p.name }));
  fillList("check-urls", urls, (url) => element("li", { text: url }));
  fillList("check-codes", chosen.flatMap((p) => p.hashes), (hash) =>
    element("li", { text: `${hash.algorithm}: ${hash.value}` }),
  );
}

const send = document.getElementById("send");
let sending = false;
send.addEventListener("click", async () => {
  if (sending) return;
  sending = true;
  const label = send.textContent;
  send.textContent = t("sending");
  send.setAttribute("aria-disabled", "true");
  hideError("send-error");
  const report = buildReport({
    reporter: "young_person",
    hashes: usable().flatMap((p) => p.hashes),
    urls,
  });
  const answer = await sendReport(report);
  sending = false;
  send.textContent = label;
  send.removeAttribute("aria-disabled");
  if (!answer.ok) {
    showError("send-error", answer.message);
    return;
  }
  // Nothing about the pictures stays on the page once the report is in.
  pictures.length = 0;
  list.replaceChildren();
  document.getElementById("check-codes").replaceChildren();
  showReceipt(answer.receipt);
  go(4);
});
