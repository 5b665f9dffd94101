// What every patient page's script needs (the booking widget, the manage page, the lists' first free times): the
// page's translated messages, the booking API (docs/api.md) and a time written as the API wrote it. The lists load
// only this and api-core.js; booking-core.js adds the widget's parts and re-exports these.
import { dateText, format, request } from "./api-core.js";

export { dateText };

// Dates and times are written the way the practice's e-mails write them (24-hour clock in English too); the page
// says which locale (pelicanconf.py's OPEN_GRAPH_LOCALES, on the messages' template), these are the defaults.
export const LOCALES = { fr: "fr-FR", en: "en-GB", it: "it-IT", es: "es-ES", ru: "ru-RU" };

export function messages(root = document) {
  const template = root.querySelector("template[data-booking-messages]");
  const found = {
    api: template?.dataset.api || "/api/v1",
    siteZone: template?.dataset.siteZone || "", // the territory's usual zone (TIMEZONE)
    locale: template?.dataset.locale || "", // the page language's locale (LOCALES)
  };
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

// -- dates and zones -------------------------------------------------------------------------------------------

// The UTC offset of an API time in minutes, "2027-03-02T09:00:00+01:00" -> 60 (times are on the site's clock).
export function offsetMinutes(iso) {
  const match = /([+-])(\d\d):(\d\d)$/.exec(iso);
  return match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

// The UTC offset of an IANA zone at an instant, in minutes.
export function zoneOffset(instant, timeZone) {
  const name = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(new Date(instant))
    .find((p) => p.type === "timeZoneName")?.value;
  return name && name !== "GMT" ? offsetMinutes(name.replace(/^GMT/, "")) : 0;
}

// Whether a time must say its zone: not when the visitor's clock and the site's usual one (the territory's,
// TIMEZONE) both read it as written, which is every time for a visitor at home; else the zone is named, so that a
// visitor abroad, or a practice in another zone, is not a source of error.
export function zoneNeeded(instant, offset, siteZone) {
  const visitor = -new Date(instant).getTimezoneOffset();
  return offset !== visitor || (Boolean(siteZone) && offset !== zoneOffset(instant, siteZone));
}

// The offset of an API time named as the e-mails name it: "2027-03-02T09:00:00+01:00" -> "UTC+01:00".
export function offsetOf(iso) {
  const match = /([+-]\d\d:\d\d|Z)$/.exec(iso);
  return !match || match[1] === "Z" || match[1] === "+00:00" ? "UTC" : `UTC${match[1]}`;
}

// An API time written on its own clock when the site's zone is not known (lists): the wall time the API wrote,
// named by its offset only when the zone is needed (zoneNeeded).
export function wallTime(iso, lang, msg) {
  const wall = new Date(`${iso.slice(0, 19)}Z`);
  const locale = msg.locale || LOCALES[lang] || lang;
  const date = new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" });
  const time = new Intl.DateTimeFormat(locale, { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const values = { date: dateText(date, wall, lang), time: time.format(wall), offset: offsetOf(iso) };
  return format(zoneNeeded(iso, offsetMinutes(iso), msg.siteZone) ? msg["when-short"] : msg["when-local"], values);
}
