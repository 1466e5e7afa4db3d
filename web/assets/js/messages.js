// The words and settings the server renders into every page (the JSON in
// #page-settings), and putting the values into them in the page's language.
//
// A message is a string, or, when it has variables, a list of parts made on the server
// from the Fluent catalogue: text, `{ var }` (a value), and `{ select, variants,
// default }` (a choice: an exact number, else the number's plural category in this
// language by the browser's own Intl.PluralRules, else the default).

let settings;

/**
 * The page's settings: `{ lang, serviceName, quickExitUrl, minPdqQuality, maxHashes,
 * maxUrls, maxVideos, messages }`. Read once from the page.
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

/** A number as this language writes it; anything else as it is. */
function show(value, lang) {
  return typeof value === "number" ? new Intl.NumberFormat(lang).format(value) : String(value);
}

/** The variant of `part` (a select) that fits `value`. */
function choose(part, value, lang) {
  const variants = new Map(part.variants);
  if (typeof value === "number") {
    for (const [key, parts] of part.variants) {
      if (/^-?\d/.test(key) && Number(key) === value) return parts;
    }
    const category = new Intl.PluralRules(lang).select(value);
    if (variants.has(category)) return variants.get(category);
  } else if (variants.has(String(value))) {
    return variants.get(String(value));
  }
  return variants.get(part.default) ?? [];
}

/**
 * `message` (a string, or parts) with `args` put in. A variable without a value shows as
 * `{name}`, so a missing argument shows rather than silently vanishing.
 */
export function format(message, args = {}, lang = undefined) {
  if (typeof message === "string") return message;
  let out = "";
  for (const part of message) {
    if (typeof part === "string") {
      out += part;
    } else if (Object.hasOwn(part, "var")) {
      out += Object.hasOwn(args, part.var) ? show(args[part.var], lang) : `{${part.var}}`;
    } else if (Object.hasOwn(part, "select")) {
      out += format(choose(part, args[part.select], lang), args, lang);
    }
  }
  return out;
}

/** The scripts' message `key` (`js-key` in the catalogue), with `args` put in. */
export function t(key, args = {}) {
  const { messages = {}, serviceName = "", lang } = pageSettings();
  const message = messages[key];
  if (typeof message !== "string" && !Array.isArray(message)) {
    // A bug, not something a reader can fix; the key at least says what was meant.
    console.error(`no message ${key}`);
    return key;
  }
  return format(message, { service: serviceName, ...args }, lang);
}
