// The young person's report: confirmations, pictures fingerprinted on the device, optional
// URLs, a check, and the case number and secret.

import { pageSettings, t } from "./messages.js";
import { showReceipt } from "./receipt.js";
import {
  assessPicture,
  assessVideo,
  buildReport,
  markDuplicates,
  maxPictures,
  parseUrls,
  VIDEO_LIMITS,
} from "./reporting.js";
import {
  checkConfirmations,
  element,
  enableScriptedButtons,
  hideError,
  sendReport,
  setBusy,
  showError,
  showSection,
} from "./ui.js";

const settings = pageSettings();
const limit = maxPictures(settings.maxHashes);
/** Videos in one report, as the hotline allows (`max_videos_per_report`). */
const videoLimit = settings.maxVideos ?? 4;
const steps = ["intro", "pictures", "urls", "check", "done"].map((name) =>
  document.getElementById(`step-${name}`),
);
let current = 0;
/**
 * The pictures chosen, in order: name, what fingerprinting found (`state`, `hashes`) and
 * the list item showing it. The files themselves are not kept.
 */
const pictures = [];
let urls = [];
/**
 * Loaded and started at the first picture: opening the page loads nothing more, and if
 * the fingerprinting code cannot load (a flaky connection), the rest of the page still
 * works and the pictures say so.
 */
let fingerprinter = null;
/** Whether the reader said they don't have the picture, only where it was seen. */
let urlsOnly = false;
/**
 * Videos are fingerprinted on the page's own thread (a <video> element has no worker
 * form), one at a time: each waits for the one before.
 */
let videoQueue = Promise.resolve();
let videoModule = null;

/** The message for each state a picture can be in. */
const PICTURE_MESSAGES = {
  working: "file-working",
  ready: "file-ready",
  exact_only: "file-exact-only",
  unreadable: "file-unreadable",
  duplicate: "file-duplicate",
  failed: "file-failed",
  video_waiting: "video-waiting",
  video_working: "video-working",
  video_ready: "video-ready",
  video_exact_only: "video-exact-only",
  video_too_long: "video-too-long",
  video_too_large: "video-too-large",
  video_unreadable: "video-unreadable",
};

const pageTitle = document.title;

/** Shows step `index`; its heading takes focus and names the tab ("Step 2 of 4 …"). */
function go(index) {
  current = index;
  showSection(steps[index], steps);
  const heading = steps[index].querySelector("h2")?.textContent.replace(/\s+/g, " ").trim();
  document.title = index === 0 || !heading ? pageTitle : `${heading} – ${pageTitle}`;
}

document.querySelectorAll("[data-back]").forEach((button) =>
  button.addEventListener("click", () => go(current - 1)),
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
      showError("pictures-error", t("pictures-too-many", { max: limit }), input);
      break;
    }
    if (isVideo(file)) {
      if (pictures.filter((p) => p.video).length >= videoLimit) {
        showError("pictures-error", t("videos-too-many", { max: videoLimit }), input);
        continue;
      }
      addVideo(file);
    } else {
      addPicture(file);
    }
  }
  // So the same file can be chosen again after it was removed.
  input.value = "";
});

/** A video by its type, or by its name where the browser gives no type. */
function isVideo(file) {
  if (file.type) return file.type.startsWith("video/");
  return /\.(mp4|m4v|mov|3gp|webm|mkv|avi|ts|flv)$/i.test(file.name);
}

/** Lists a chosen file; `onRemove` runs when it is removed (a video's work stops). */
function listFile(file, entry, onRemove = () => {}) {
  const item = element("li", { className: "file" });
  entry.item = item;
  pictures.push(entry);
  const remove = element("button", {
    className: "link-button",
    text: t("remove"),
    attributes: { type: "button", "aria-label": t("file-remove", { name: file.name }) },
  });
  const removeEntry = () => {
    onRemove();
    pictures.splice(pictures.indexOf(entry), 1);
    item.remove();
    showStates();
    input.focus();
  };
  remove.addEventListener("click", removeEntry);
  item.append(
    element("span", { className: "file-name", text: file.name }),
    element("span", { className: "file-state" }),
    remove,
  );
  list.append(item);
  showStates();
  return { item, removeEntry };
}

function addPicture(file) {
  fingerprinter ??= import("./fingerprint.js").then((module) => module.startFingerprinter());
  const picture = { name: file.name, state: "working", hashes: [], sha256: null };
  listFile(file, picture);

  fingerprinter
    .then((engine) => engine.fingerprint(file))
    .then((result) => {
      const assessed = assessPicture(result, settings.minPdqQuality);
      picture.sha256 = result.sha256 ?? null;
      picture.state = assessed.state;
      picture.hashes = assessed.hashes;
    })
    .catch(() => {
      picture.state = "failed";
    })
    .finally(showStates);
}

/**
 * A video: fingerprinted in its turn, with a progress bar and a button to stop. Removing
 * it stops its work too. The file is read only here, and forgotten when done.
 */
function addVideo(file) {
  videoModule ??= import("./video.js");
  const stop = new AbortController();
  const video = { name: file.name, state: "video_waiting", hashes: [], sha256: null, video: true, frames: 0 };
  const { item, removeEntry } = listFile(file, video, () => stop.abort());
  const progress = element("progress", {
    className: "file-progress",
    attributes: { max: "100", value: "0", "aria-label": t("video-progress", { name: file.name }) },
  });
  const cancel = element("button", {
    className: "link-button file-stop",
    text: t("video-stop"),
    attributes: { type: "button", "aria-label": t("video-stop-label", { name: file.name }) },
  });
  cancel.addEventListener("click", removeEntry);
  const work = async () => {
    if (stop.signal.aborted) return;
    video.state = "video_working";
    showStates();
    item.append(progress, cancel);
    try {
      const { fingerprintVideo } = await videoModule;
      const result = await fingerprintVideo(file, {
        signal: stop.signal,
        onProgress: (share) => progress.setAttribute("value", String(Math.round(share * 100))),
      });
      const assessed = assessVideo(result, settings.minPdqQuality);
      video.sha256 = result.sha256 ?? null;
      video.state = assessed.state;
      video.hashes = assessed.hashes;
      video.frames = assessed.frames;
    } catch (error) {
      // Stopped: the item is gone already.
      if (error?.name === "AbortError") return;
      video.state = "failed";
    } finally {
      progress.remove();
      cancel.remove();
    }
    showStates();
  };
  videoQueue = videoQueue.then(work, work);
}

/** Each file's state on its list item, repeats of an earlier file marked as such. */
function showStates() {
  const repeats = markDuplicates(pictures);
  pictures.forEach((picture, index) => {
    const state = repeats[index] ? "duplicate" : picture.state;
    if (picture.item.dataset.state === state) return;
    picture.item.dataset.state = state;
    picture.item.querySelector(".file-state").textContent = t(PICTURE_MESSAGES[state], {
      count: picture.frames ?? 0,
      minutes: VIDEO_LIMITS.maxSeconds / 60,
    });
  });
}

/** The pictures whose fingerprints go in the report: each file once. */
function usable() {
  if (urlsOnly) return [];
  const repeats = markDuplicates(pictures);
  return pictures.filter((picture, index) => !repeats[index] && picture.hashes.length > 0);
}

document.getElementById("pictures-continue").addEventListener("click", () => {
  if (pictures.length === 0) {
    showError("pictures-error", t("pictures-none"), input);
    input.focus();
  } else if (pictures.some((p) => ["working", "video_waiting", "video_working"].includes(p.state))) {
    showError("pictures-error", t("pictures-busy"), input);
  } else if (usable().length === 0) {
    showError("pictures-error", t("pictures-none-usable"), input);
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
    element("li", {
      text: hash.frames
        ? `${hash.algorithm}: ${t("video-codes", { count: hash.frames.length })}`
        : `${hash.algorithm}: ${hash.value}`,
    }),
  );
}

const send = document.getElementById("send");
let sending = false;
send.addEventListener("click", async () => {
  if (sending) return;
  sending = true;
  setBusy(send, true, t("sending"));
  hideError("send-error");
  const report = buildReport({
    reporter: "young_person",
    hashes: usable().flatMap((p) => p.hashes),
    urls,
  });
  const answer = await sendReport(report);
  sending = false;
  setBusy(send, false);
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

enableScriptedButtons();
