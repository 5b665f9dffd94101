// What the professional area's pages share: their translated messages, the signed-in session (tokens in this tab's
// sessionStorage, sent in the Authorization header, never in a URL), calls to the back-office API
// (/api/v1/pro/..., docs/backoffice.md), the navigation bar, and times on the practice's clock.
// Plain JavaScript modules: the Content-Security-Policy is `default-src 'self'`. The API call itself and the text
// helpers are api-core.js's, shared with the patient's pages.

import { dateText, format, request, show } from "./api-core.js";

export { format, show };

const LOCALES = { fr: "fr-FR", en: "en-GB", it: "it-IT", es: "es-ES", ru: "ru-RU" };
const KEY = {
  access: "pro.access",
  refresh: "pro.refresh",
  expires: "pro.expires",
  practitioner: "pro.practitioner",
};

export function messages(root = document) {
  const found = {};
  const template = root.querySelector("template[data-pro-messages]");
  for (const span of template ? template.content.querySelectorAll("[data-key]") : []) {
    found[span.dataset.key] = span.textContent;
  }
  return found;
}

// -- the page's frame: status line, alert, heading ------------------------------------------------------------

export class Page {
  constructor(root) {
    this.root = root;
    this.lang = root.dataset.lang;
    this.msg = messages();
    this.status = root.querySelector("[data-status]");
    this.alert = root.querySelector("[data-alert]");
  }

  say(text) {
    this.status.textContent = text || "";
  }

  warn(text) {
    this.alert.textContent = text || "";
  }

  clear() {
    this.say("");
    this.warn("");
    for (const field of this.root.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
    this.unnote();
  }

  // A message next to the field named `name` (its data-field, the API's dotted path), tied to it with
  // aria-describedby: an error (the field is marked invalid) or a warning. Returns the field, or null.
  note(name, text, kind = "error") {
    const field = this.root.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (!field) return null;
    reveal(field);
    this.notes = (this.notes || 0) + 1;
    const note = el("p", { class: `field-note field-note--${kind}`, id: `note-${this.notes}`, "data-note": "" }, text);
    if (field.type === "checkbox" && field.closest("label")) field.closest("label").after(note);
    else if (field.tagName !== "FIELDSET" && field.closest(".field")) field.closest(".field").append(note);
    else field.append(note);
    const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    field.setAttribute("aria-describedby", [...described, note.id].join(" "));
    if (kind === "error") field.setAttribute("aria-invalid", "true");
    return field;
  }

  unnote(kind) {
    for (const note of this.root.querySelectorAll(kind ? `.field-note--${kind}` : "[data-note]")) {
      for (const field of this.root.querySelectorAll(`[aria-describedby~="${note.id}"]`)) {
        const left = field.getAttribute("aria-describedby").split(" ").filter((id) => id !== note.id);
        if (left.length) field.setAttribute("aria-describedby", left.join(" "));
        else field.removeAttribute("aria-describedby");
      }
      note.remove();
    }
  }

  // The message for an API error: the page's own text for what it knows, a general one otherwise. A refused value
  // is marked and focused; `explain(field)` may give the words to show next to it.
  problem(error, known = {}, explain = () => null) {
    if (!error || error.code === "unavailable" || !error.code) return this.msg.unavailable;
    if (known[error.code]) return known[error.code];
    if (error.code === "slot_taken") return this.msg["slot-taken"];
    if (error.code === "not_found") return this.msg["not-found"];
    if (error.code === "invalid_input" && error.field) {
      const text = explain(error.field);
      const field = text
        ? this.note(error.field, text)
        : this.root.querySelector(`[data-field="${CSS.escape(error.field)}"]`);
      if (field) {
        reveal(field);
        field.setAttribute("aria-invalid", "true");
        (field.matches("fieldset") ? field.querySelector("input") : field)?.focus();
      }
      return this.msg["check-field"];
    }
    return this.msg.unavailable;
  }
}

// -- the session ----------------------------------------------------------------------------------------------

export class Session {
  constructor(root) {
    this.base = (root.dataset.api || "/api/v1").replace(/\/$/, "");
    this.signin = root.dataset.signin;
  }

  get token() {
    return sessionStorage.getItem(KEY.access);
  }

  save(tokens) {
    sessionStorage.setItem(KEY.access, tokens.access_token);
    if (tokens.refresh_token) sessionStorage.setItem(KEY.refresh, tokens.refresh_token);
    sessionStorage.setItem(KEY.expires, String(Date.now() + (tokens.expires_in || 900) * 1000));
  }

  clear() {
    for (const name of Object.values(KEY)) sessionStorage.removeItem(name);
  }

  get practitioner() {
    return sessionStorage.getItem(KEY.practitioner);
  }

  set practitioner(id) {
    sessionStorage.setItem(KEY.practitioner, id);
  }

  // Back to the sign-in page, which brings the person back here afterwards (a path of this area only).
  leave() {
    this.clear();
    const back = location.pathname + location.hash;
    location.assign(`${this.signin}#next=${encodeURIComponent(back)}`);
  }

  // One call, with the token given if any: api-core.js's {status, data, error}.
  fetch(method, path, body, token) {
    return request(this.base + path, method, { body, token });
  }

  // A back-office call with the access token; renewed once with the refresh token when it has expired.
  async call(method, path, body) {
    let answer = await this.fetch(method, path, body, this.token);
    if (answer.status === 401 && (await this.refresh())) {
      answer = await this.fetch(method, path, body, this.token);
    }
    if (answer.status === 401) this.leave();
    return answer;
  }

  async refresh() {
    const refresh = sessionStorage.getItem(KEY.refresh);
    if (!refresh) return false;
    const answer = await this.fetch("POST", "/pro/auth/refresh", { refresh_token: refresh });
    if (answer.data?.step !== "signed_in") return false;
    this.save(answer.data);
    return true;
  }

  async signOut() {
    await this.fetch("POST", "/pro/auth/sign-out", undefined, this.token);
    this.clear();
  }
}

// The navigation of a signed-in page: who is signed in, whose agenda, sign-out. Resolves to the account (GET /pro/me)
// with the agenda chosen (`practitioner`), and calls onChange(practitioner) whenever another one is chosen. The
// settings link is shown only while the agenda chosen is one whose grant allows the settings (a front desk's does
// not).
export async function signedIn(root, page, onChange) {
  const session = new Session(root);
  if (!session.token) {
    session.leave();
    return null;
  }
  page.say(page.msg.loading);
  const me = await session.call("GET", `/pro/me?lang=${page.lang}`);
  if (me.error) {
    page.say("");
    page.warn(page.problem(me.error));
    return null;
  }
  const nav = root.querySelector("[data-pro-nav]");
  const select = nav.querySelector("[data-practitioner]");
  for (const practitioner of me.data.practitioners) {
    select.append(new Option(practitioner.name, practitioner.id));
  }
  const known = me.data.practitioners.map((p) => p.id);
  select.value = known.includes(session.practitioner) ? session.practitioner : known[0] || "";
  nav.querySelector("[data-sign-out]").addEventListener("click", async () => {
    await session.signOut();
    location.assign(`${root.dataset.signin}#signed-out`);
  });
  show(nav);
  page.say("");
  const current = () => me.data.practitioners.find((p) => p.id === select.value);
  const settingsLink = nav.querySelector("[data-nav-settings]");
  const showSettingsLink = () => {
    settingsLink.hidden = !allowsSettings(current());
  };
  select.addEventListener("change", () => {
    session.practitioner = select.value;
    showSettingsLink();
    onChange(current());
  });
  if (current()) session.practitioner = select.value;
  showSettingsLink();
  return { session, me: me.data, practitioner: current() };
}

// A field inside closed disclosures (<details>) is neither seen nor focusable: open them before it is marked.
function reveal(field) {
  for (let box = field.closest("details:not([open])"); box; box = box.parentElement?.closest("details:not([open])")) {
    box.open = true;
  }
}

// Whether the account may change this professional's settings and calendar link (GET /pro/me, `allows`).
export function allowsSettings(practitioner) {
  return Boolean(practitioner?.allows?.includes("settings"));
}

// -- time on the practice's clock -----------------------------------------------------------------------------

// Local dates are "YYYY-MM-DD" strings; arithmetic on them is done at noon UTC, away from any offset.
export function addDays(day, count) {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + count);
  return date.toISOString().slice(0, 10);
}

export class Clock {
  constructor(lang, timeZone, msg = {}) {
    const locale = LOCALES[lang] || lang;
    this.lang = lang;
    this.timeZone = timeZone;
    this.msg = msg;
    this.dayFormat = new Intl.DateTimeFormat(locale, { timeZone, weekday: "long", day: "numeric", month: "long" });
    this.dateFormat = new Intl.DateTimeFormat(locale, {
      timeZone,
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
    });
    this.timeFormat = new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    this.keyFormat = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    this.offsetFormat = new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "longOffset" });
  }

  get city() {
    return this.msg[`city-${this.timeZone}`] || (this.timeZone.split("/").pop() || this.timeZone).replace(/_/g, " ");
  }

  dateKey(instant) {
    return this.keyFormat.format(new Date(instant)); // en-CA writes YYYY-MM-DD
  }

  today() {
    return this.dateKey(Date.now());
  }

  // dates as the public pages and the e-mails write them ("lundi 1er février", "Tuesday 1 December 2026")
  day(dayKey) {
    return dateText(this.dayFormat, new Date(`${dayKey}T12:00:00Z`), this.lang);
  }

  date(instant) {
    return dateText(this.dateFormat, new Date(instant), this.lang);
  }

  time(instant) {
    return this.timeFormat.format(new Date(instant));
  }

  // Offset of the zone at an instant, in minutes east of UTC ("GMT+01:00" -> 60).
  offsetMinutes(instant) {
    const name = this.offsetFormat.formatToParts(new Date(instant)).find((p) => p.type === "timeZoneName").value;
    const match = /([+-])(\d\d):?(\d\d)?/.exec(name);
    if (!match) return 0;
    return (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] || 0));
  }

  // "2027-03-02" + "09:05" on this clock -> "2027-03-02T09:05:00+01:00": the offset that holds at that time.
  iso(dayKey, hhmm) {
    const wall = Date.parse(`${dayKey}T${hhmm}:00Z`);
    let offset = this.offsetMinutes(wall);
    for (let i = 0; i < 3; i += 1) {
      const next = this.offsetMinutes(wall - offset * 60000);
      if (next === offset) break;
      offset = next;
    }
    const sign = offset < 0 ? "-" : "+";
    const abs = Math.abs(offset);
    const pad = (n) => String(n).padStart(2, "0");
    return `${dayKey}T${hhmm}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }

  // The local date and time of an API time on this clock: {day: "2027-03-02", time: "09:05"}.
  parts(instant) {
    return { day: this.dateKey(instant), time: this.time(instant) };
  }
}

export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") element.textContent = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...children.filter((c) => c !== undefined && c !== null));
  return element;
}
