// The words and settings the server renders into every page (the JSON in
// #page-settings), and filling in their {placeholders}.

let settings;

/**
 * The page's settings: `{ serviceName, quickExitUrl, minPdqQuality, maxHashes, maxUrls,
 * messages }`. Read once from the page.
 */
export function pageSettings() {
  if (!settings) {
    const element = globalThis.document?.getElementById("page-settings");
    settings = element ? JSON.parse(element.textContent) : { messages: {} };
  }
  return settings;
}

/** Uses `value` as the page's settings (for tests, which have no page). */
export function setPageSettings(value) {
  settings = value;
}

/**
 * `template` with each `{name}` replaced by `args[name]`. A placeholder without a value
 * is left as it is, so a missing argument shows rather than silently vanishing.
 */
export function format(template, args = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(args, name) ? String(args[name]) : whole,
  );
}

/** The message `key` from the `[js]` catalogue, with its placeholders filled. */
export function t(key, args = {}) {
  const { messages = {}, serviceName = "" } = pageSettings();
  const template = messages[key];
  if (typeof template !== "string") {
    // A bug, not something a reader can fix; the key at least says what was meant.
    console.error(`no message ${key}`);
    return key;
  }
  return format(template, { service: serviceName, ...args });
}
