// What the booking widget (booking.js) and the manage page (manage.js) share: times on the practice's clock, the
// week of free times (SlotPicker), the calendar file and the e-mail proof this tab keeps. The page's messages and
// the booking API are patient-core.js's (the lists load only that), re-exported here so that the two scripts import
// from one place.
// Plain JavaScript, no dependency: the Content-Security-Policy is `default-src 'self'`, and every text a person
// reads comes from the templates (translated with the site).

import { format, show } from "./api-core.js";
import { Api, LOCALES, dateText, errorText, messages, wallTime, zoneNeeded, zoneOffset } from "./patient-core.js";

export { Api, errorText, format, messages, show, wallTime };

const SEQUENCE_EPOCH = Date.UTC(2020, 0, 1); // as the e-mails' calendar files: a later file wins

// -- the e-mail proof -------------------------------------------------------------------------------------------

// A proof that this browser read a code sent to the patient's address (docs/security.md, "Holds and proofs"): the
// next booking with the same address needs no code. Kept in this tab only (sessionStorage: gone when the tab
// closes, never sent to another site, never in a cookie), and forgotten once it lapses (30 minutes).
const PROOF_KEY = "portal.email-proof";

export function savedProof() {
  try {
    const proof = JSON.parse(sessionStorage.getItem(PROOF_KEY) || "null");
    if (proof?.token && Date.parse(proof.expires_at) > Date.now() + 10_000) return proof.token;
    sessionStorage.removeItem(PROOF_KEY);
  } catch {
    // storage refused (private mode, quota): the patient confirms with a code, as without a proof
  }
  return null;
}

export function keepProof(proof) {
  if (!proof?.token) return;
  try {
    sessionStorage.setItem(PROOF_KEY, JSON.stringify({ token: proof.token, expires_at: proof.expires_at }));
  } catch {
    // as above: without storage, every booking confirms with its code
  }
}

// Whether this browser signed in to the patient space (me.js marks it; the session itself is an HttpOnly cookie
// no script reads): the booking widget then asks the API who is signed in, and no other page ever does.
const SIGNED_IN_KEY = "portal.signed-in";

export function signedInHere() {
  try {
    return localStorage.getItem(SIGNED_IN_KEY) === "1";
  } catch {
    return false;
  }
}

export function markSignedIn(signedIn) {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN_KEY, "1");
    else localStorage.removeItem(SIGNED_IN_KEY);
  } catch {
    // storage refused: the booking widget books as a guest, with a code
  }
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// -- dates -----------------------------------------------------------------------------------------------------

// Local dates are "YYYY-MM-DD" strings; arithmetic on them is done at noon UTC, away from any offset.
export function addDays(day, count) {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + count);
  return date.toISOString().slice(0, 10);
}

// The Monday of a local date's week (weeks start on Monday, in French and British usage alike).
export function mondayOf(day) {
  return addDays(day, -((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7));
}

// Times on one practice site's clock, in the page's language, with the zone named as the e-mails name it when the
// visitor needs it (patient-core.js's zoneNeeded).
export class Clock {
  constructor(lang, timeZone, msg) {
    this.lang = lang;
    this.timeZone = timeZone;
    this.msg = msg;
    const locale = msg.locale || LOCALES[lang] || lang;
    const zone = { timeZone };
    this.dayFormat = new Intl.DateTimeFormat(locale, { ...zone, weekday: "long", day: "numeric", month: "long" });
    this.dateFormat = new Intl.DateTimeFormat(locale, {
      ...zone,
      weekday: "long",
      day: "numeric",
      month: "long",
      year: "numeric",
    });
    this.timeFormat = new Intl.DateTimeFormat(locale, { ...zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    this.keyFormat = new Intl.DateTimeFormat("en-CA", { ...zone, year: "numeric", month: "2-digit", day: "2-digit" });
    this.offsetFormat = new Intl.DateTimeFormat("en-GB", { ...zone, timeZoneName: "longOffset" });
    // a local date (no instant): written at noon UTC, read back in UTC
    this.calendarDay = new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" });
  }

  // The zone's city as the e-mails name it (Babel's, in the page's language: "Монако"), given by the page for the
  // site's zone; else "Monaco" from "Europe/Monaco"
  get city() {
    return this.msg?.[`city-${this.timeZone}`] || (this.timeZone.split("/").pop() || this.timeZone).replace(/_/g, " ");
  }

  dateKey(instant) {
    return this.keyFormat.format(new Date(instant)); // en-CA writes YYYY-MM-DD
  }

  today() {
    return this.dateKey(Date.now());
  }

  day(instant) {
    return dateText(this.dayFormat, new Date(instant), this.lang);
  }

  date(instant) {
    return dateText(this.dateFormat, new Date(instant), this.lang);
  }

  time(instant) {
    return this.timeFormat.format(new Date(instant));
  }

  offset(instant) {
    const name = this.offsetFormat.formatToParts(new Date(instant)).find((p) => p.type === "timeZoneName");
    return (name?.value || "UTC").replace(/^GMT/, "UTC");
  }

  // whether this clock's times must say their zone (the visitor's or the territory's clock reads them otherwise)
  zoneNeeded(instant) {
    return zoneNeeded(instant, zoneOffset(instant, this.timeZone), this.msg.siteZone);
  }

  // "Tuesday 1 December 2026 at 08:00", and " (Monaco time, UTC+01:00)" when the zone is needed
  when(instant) {
    const values = { date: this.date(instant), time: this.time(instant), city: this.city, offset: this.offset(instant) };
    return format(this.zoneNeeded(instant) ? this.msg.when : this.msg["when-local"], values);
  }

  // a local date "YYYY-MM-DD" written as a day: "Tuesday 1 December"
  dayOf(key) {
    return dateText(this.calendarDay, new Date(`${key}T12:00:00Z`), this.lang);
  }

  // "Times are shown in Monaco time (UTC+01:00)." when the zone is needed, else nothing
  zoneLine(instant) {
    return this.zoneNeeded(instant) ? format(this.msg.zone, { city: this.city, offset: this.offset(instant) }) : "";
  }
}

// -- the week of free times ------------------------------------------------------------------------------------

const WEEK = 7;
const LOOKAHEAD = 31; // the API's widest window: one call finds the first free time of a reason
const MAX_WEEKS_AHEAD = 26; // when the API does not say how far ahead booking goes

// The free times of one visit reason at one site, a week at a time. `root` is the slot-picker component's markup;
// `onChoose(slot)` is called with {start, end, site} when the patient picks a time.
export class SlotPicker {
  constructor(root, { api, practitioner, msg, lang, onChoose }) {
    this.root = root;
    this.api = api;
    this.practitioner = practitioner;
    this.msg = msg;
    this.lang = lang;
    this.onChoose = onChoose;
    this.level = Number(root.dataset.headingLevel || 4);
    this.els = {
      zone: root.querySelector("[data-zone]"),
      week: root.querySelector("[data-week]"),
      prev: root.querySelector("[data-prev]"),
      next: root.querySelector("[data-next]"),
      status: root.querySelector("[data-status]"),
      retry: root.querySelector("[data-retry]"),
      retryBox: root.querySelector("[data-retry-box]"),
      quick: root.querySelector("[data-quick]"),
      quickList: root.querySelector("[data-quick-list]"),
      days: root.querySelector("[data-days]"),
    };
    this.generation = 0;
    this.lastDay = null; // the last date the booking horizon reaches (the API's last_day)
    this.els.prev.addEventListener("click", () => this.load(addDays(this.from, -WEEK)));
    this.els.next.addEventListener("click", () => this.load(addDays(this.from, WEEK)));
    this.els.retry?.addEventListener("click", () => this.load(this.from));
  }

  query(from, days) {
    const params = new URLSearchParams({ reason: this.selection.reason, from, days: String(days) });
    if (this.selection.site) params.set("site", this.selection.site);
    if (this.selection.patient) params.set("patient", this.selection.patient);
    return `/practitioners/${encodeURIComponent(this.practitioner)}/slots?${params}`;
  }

  // A new selection {reason, site, patient, timeZone}: the week (Monday to Sunday) of its first free time (one call
  // over the next 31 days). Returns that first free slot (or null).
  async select(selection, from = null) {
    this.selection = selection;
    this.clock = new Clock(this.lang, selection.timeZone, this.msg);
    this.today = this.clock.today();
    this.clearQuick();
    const start = from || this.today;
    const answer = await this.fetch(start, LOOKAHEAD);
    if (!answer) return undefined;
    const first = answer.slots[0] || null;
    const weekStart = mondayOf(first && !from ? this.clock.dateKey(first.start) : start);
    this.slots = answer.slots;
    if (addDays(weekStart, WEEK - 1) > addDays(start, LOOKAHEAD - 1)) await this.load(weekStart);
    else this.render(weekStart, answer.slots);
    return first;
  }

  async load(from) {
    const answer = await this.fetch(from, WEEK);
    if (answer) this.render(from, answer.slots);
  }

  // The slots of [from, from + days), or null when a newer request took over or the API failed (status says so).
  async fetch(from, days) {
    const mine = ++this.generation;
    this.from = from;
    this.root.setAttribute("aria-busy", "true");
    this.els.status.textContent = this.msg.loading;
    show(this.els.retryBox, false);
    const answer = await this.api.get(this.query(from, days));
    if (mine !== this.generation) return null;
    this.root.removeAttribute("aria-busy");
    if (answer.error) {
      this.els.days.replaceChildren();
      this.els.status.textContent = this.msg["slots-error"];
      this.els.status.classList.remove("visually-hidden");
      show(this.els.retryBox, true);
      return null;
    }
    this.lastDay = answer.data.last_day || null;
    return answer.data;
  }

  render(from, slots) {
    const last = addDays(from, WEEK - 1);
    this.from = from;
    const byDay = new Map();
    for (const slot of slots) {
      const key = this.clock.dateKey(slot.start);
      if (key < from || key > last) continue;
      if (!byDay.has(key)) byDay.set(key, []);
      byDay.get(key).push(slot);
    }
    const range = { first: this.clock.dayOf(from), last: this.clock.dayOf(last) };
    this.els.week.textContent = format(this.msg.week, range);
    const zone = this.clock.zoneLine(slots[0]?.start || `${from}T12:00:00Z`);
    this.els.zone.textContent = zone;
    show(this.els.zone, Boolean(zone));
    this.els.prev.disabled = from <= mondayOf(this.today);
    // past the booking horizon there is nothing to page to: the last week is the one holding its last day
    const end = this.lastDay || addDays(this.today, WEEK * MAX_WEEKS_AHEAD);
    this.els.next.disabled = addDays(from, WEEK) > end;
    const days = [...byDay.entries()].map(([key, daySlots]) => this.renderDay(key, daySlots));
    this.els.days.replaceChildren(...days);
    const count = [...byDay.values()].reduce((sum, list) => sum + list.length, 0);
    const none = this.els.next.disabled ? this.msg["slots-none-last"] : this.msg["slots-none"];
    this.els.status.textContent = format(count ? this.msg["slots-count"] : none, { count, ...range });
    // the count is for screen readers (the times are in view); "none" is for everyone
    this.els.status.classList.toggle("visually-hidden", count > 0);
  }

  renderDay(key, slots) {
    const group = document.createElement("div");
    group.className = "slot-day";
    const heading = document.createElement(`h${Math.min(this.level, 6)}`);
    heading.className = "slot-day__title";
    const day = this.clock.dayOf(key);
    heading.textContent = day.charAt(0).toUpperCase() + day.slice(1);
    const list = document.createElement("ul");
    list.className = "slot-list";
    list.append(...slots.map((slot) => this.slotItem(slot, `${this.clock.dayOf(key)}, `)));
    group.append(heading, list);
    return group;
  }

  // A time's button: visible text (the time, under its day's heading) and, for screen readers, the day before it.
  slotItem(slot, prefix, text = this.clock.time(slot.start)) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "slot";
    button.dataset.start = slot.start;
    if (prefix) {
      const hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = prefix;
      button.append(hidden);
    }
    button.append(text);
    button.addEventListener("click", () => this.onChoose(slot));
    item.append(button);
    return item;
  }

  clearQuick() {
    show(this.els.quick, false);
    this.els.quickList?.replaceChildren();
  }

  // After "slot taken": the week of the taken time, and the next free times after it as quick choices.
  async after(slot, count = 3) {
    this.clearQuick();
    const day = mondayOf(this.clock.dateKey(slot.start));
    const answer = await this.fetch(day, LOOKAHEAD);
    if (!answer) return;
    this.render(day, answer.slots);
    const next = answer.slots.filter((s) => s.start !== slot.start && new Date(s.start) >= new Date(slot.start));
    if (!next.length) return;
    const items = next.slice(0, count).map((s) => this.slotItem(s, "", `${this.clock.day(s.start)}, ${this.clock.time(s.start)}`));
    this.els.quickList.replaceChildren(...items);
    show(this.els.quick, true);
  }
}

// Moving an appointment, on the manage page and in the patient space: the box with the free times of its visit
// reason and site (one SlotPicker, whichever appointment it moves: a week's answer for another appointment cannot
// land in it), then the question "from ... to ...?" with Yes and No. The page sends the move of `target` itself;
// `taken(target)` shows the next free times when that time went meanwhile.
export class MoveBox {
  constructor(box, confirm, { api, msg, lang }) {
    this.box = box;
    this.confirm = confirm;
    this.msg = msg;
    this.lang = lang;
    this.appointment = null;
    this.target = null;
    const root = box.querySelector("[data-slot-picker]");
    this.picker = new SlotPicker(root, { api, practitioner: "", msg, lang, onChoose: (slot) => this.choose(slot) });
    confirm.querySelector("[data-no]").addEventListener("click", () => {
      show(confirm, false);
      this.target = null;
      this.focusHeading();
    });
  }

  focusHeading() {
    this.box.querySelector("h2").focus();
  }

  async open(appointment) {
    this.appointment = appointment;
    this.target = null;
    show(this.confirm, false);
    show(this.box, true);
    this.focusHeading();
    this.picker.practitioner = appointment.practitioner;
    await this.picker.select({
      reason: appointment.reason,
      site: appointment.site,
      patient: appointment.patient.kind,
      timeZone: appointment.timezone,
    });
  }

  choose(slot) {
    this.target = slot;
    const clock = new Clock(this.lang, this.appointment.timezone, this.msg);
    this.confirm.querySelector("[data-question]").textContent = format(this.msg["m-move-question"], {
      old: clock.when(this.appointment.start),
      when: clock.when(slot.start),
    });
    show(this.confirm, true);
    this.confirm.querySelector("[data-yes]").focus();
  }

  // The time chosen was taken meanwhile: the question closes and the free times after it show.
  async taken(target) {
    show(this.confirm, false);
    this.focusHeading();
    await this.picker.after(target);
  }
}

// -- calendar file ---------------------------------------------------------------------------------------------

function icsText(value) {
  return String(value || "")
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r?\n/g, "\\n");
}

// RFC 5545 folds lines longer than 75 octets (UTF-8): a CRLF and a space, never inside a character.
function fold(line) {
  const encoder = new TextEncoder();
  const parts = [];
  let current = "";
  let size = 0;
  for (const char of line) {
    const length = encoder.encode(char).length;
    if (size + length > (parts.length ? 74 : 75)) {
      parts.push(current);
      current = "";
      size = 0;
    }
    current += char;
    size += length;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

function icsTime(iso) {
  return `${new Date(iso).toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;
}

// The appointment (an API answer) as a calendar file: the same UID as the e-mails' files, so that a later e-mail
// (a move, a cancellation) updates this event.
// Where the appointment takes place, as the e-mails say it: the patient's home for a home visit, else the site.
function placeOf(appointment, msg) {
  if (appointment.at_home) return msg["at-home"];
  return [appointment.site_name, appointment.address].filter(Boolean).join(", ");
}

export function calendarFile(appointment, msg, pageUrl) {
  const place = placeOf(appointment, msg);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//health-portal//appointments//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${appointment.id}@appointments.health-portal`,
    `SEQUENCE:${Math.floor((Date.now() - SEQUENCE_EPOCH) / 1000)}`,
    `DTSTAMP:${icsTime(new Date().toISOString())}`,
    `DTSTART:${icsTime(appointment.start)}`,
    `DTEND:${icsTime(appointment.end)}`,
    `SUMMARY:${icsText(format(msg["ics-summary"], { reason: appointment.reason_label, practitioner: appointment.practitioner_name }))}`,
    `LOCATION:${icsText(place)}`,
    `DESCRIPTION:${icsText(appointment.instructions || "")}`,
    `STATUS:${appointment.status === "cancelled" ? "CANCELLED" : "CONFIRMED"}`,
  ];
  if (pageUrl) lines.push(`URL:${pageUrl}`);
  lines.push("END:VEVENT", "END:VCALENDAR");
  return new Blob([`${lines.map(fold).join("\r\n")}\r\n`], { type: "text/calendar;charset=utf-8" });
}

// Fill the appointment-details component with an API answer (the confirm or manage answer).
export function fillDetails(root, appointment, clock, msg) {
  const values = {
    practitioner_name: appointment.practitioner_name,
    reason_label: appointment.reason_label,
    when: clock.when(appointment.start),
    place: placeOf(appointment, msg),
    instructions: appointment.instructions || "",
    patient: appointment.patient ? `${appointment.patient.given_name} ${appointment.patient.family_name}` : "",
  };
  for (const field of root.querySelectorAll("[data-field]")) {
    field.textContent = values[field.dataset.field] ?? "";
    const row = field.closest("[data-row]");
    if (row) row.hidden = !values[field.dataset.field];
  }
  const link = root.querySelector("[data-ics]");
  if (link) {
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(calendarFile(appointment, msg));
    link.download = msg["ics-filename"] || "appointment.ics";
    link.hidden = appointment.status === "cancelled";
  }
}
