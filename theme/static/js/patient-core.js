// What every patient page's script needs (the booking widget, the manage page, the lists' first free times): the
// page's translated messages, the booking API (docs/api.md) and a time written as the API wrote it. The lists load
// only this and api-core.js; booking-core.js adds the widget's parts and re-exports these.
import { format, request } from "./api-core.js";

// Dates and times are written the way the practice's e-mails write them (24-hour clock in English too).
export const LOCALES = { fr: "fr-FR", en: "en-GB", it: "it-IT", es: "es-ES", ru: "ru-RU" };

export function messages(root = document) {
  const template = root.querySelector("template[data-booking-messages]");
  const found = { api: template?.dataset.api || "/api/v1" };
  for (const span of template ? template.content.querySelectorAll("[data-key]") : []) {
    found[span.dataset.key] = span.textContent;
  }
  return found;
}

// The words for an API error, chosen by its code: the page's own words for that code (`prefix` first, e.g. the manage
// page's "m-"), else the words every patient page has for each code of the API, else "not answering". Never the API's
// English `message`: the page speaks the patient's language.
export function errorText(msg, error, prefix = "") {
  const key = (error?.code || "unavailable").replace(/_/g, "-");
  return msg[`${prefix}${key}`] || msg[key] || msg.unavailable;
}

// -- the API ---------------------------------------------------------------------------------------------------

// Calls to the booking API; each answer is api-core.js's {status, data, error}.
export class Api {
  constructor(base) {
    this.base = base.replace(/\/$/, "");
  }

  call(method, path, options) {
    return request(this.base + path, method, options);
  }

  get(path, options) {
    return this.call("GET", path, options);
  }

  post(path, body, options = {}) {
    return this.call("POST", path, { ...options, body });
  }
}

// The offset of an API time, "2027-03-02T09:00:00+01:00" -> "UTC+01:00" (the API writes times on the site's clock).
export function offsetOf(iso) {
  const match = /([+-]\d\d:\d\d|Z)$/.exec(iso);
  return !match || match[1] === "Z" || match[1] === "+00:00" ? "UTC" : `UTC${match[1]}`;
}

// An API time written on its own clock when the site's zone is not known (lists): the wall time the API wrote,
// named by its offset.
export function wallTime(iso, lang, msg) {
  const wall = new Date(`${iso.slice(0, 19)}Z`);
  const locale = LOCALES[lang] || lang;
  const date = new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" });
  const time = new Intl.DateTimeFormat(locale, { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return format(msg["when-short"], { date: date.format(wall), time: time.format(wall), offset: offsetOf(iso) });
}
