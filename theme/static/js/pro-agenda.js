// The agenda of one professional by day or week (GET /api/v1/pro/practitioners/<id>/agenda), with the forms that
// add an appointment taken by phone and block a time. Times are on the practice's clock, its zone named.

import { Clock, Page, addDays, el, format, show, signedIn } from "./pro-core.js";

const root = document.querySelector("[data-pro]");
const page = new Page(root);
const agenda = root.querySelector("[data-agenda]");
const state = { practitioner: null, clock: null, from: null, days: 1, choicesOf: null };
let account = null;

function dayList(appointments) {
  const byDay = new Map();
  for (let i = 0; i < state.days; i += 1) byDay.set(addDays(state.from, i), []);
  for (const appointment of appointments) byDay.get(state.clock.dateKey(appointment.start))?.push(appointment);
  return byDay;
}

// Who booked for the patient (a parent for a child...): shown apart from the patient.
function bookedBy(booker, msg) {
  const name = `${booker.given_name} ${booker.family_name}`;
  return format(msg["booked-by"], { name, relation: msg[`relation-${booker.relation}`] || booker.relation });
}

function entry(appointment) {
  const msg = page.msg;
  const clock = state.clock;
  const time = `${clock.time(appointment.start)}–${clock.time(appointment.end)}`;
  const item = el("li", { class: `agenda-item agenda-item--${appointment.status}` });
  item.append(el("span", { class: "agenda-item__time", text: time }));
  const what = el("span", { class: "agenda-item__what" });
  if (appointment.status === "blocked") {
    what.append(el("strong", { text: msg["status-blocked"] }));
  } else {
    if (appointment.patient) {
      what.append(el("strong", { text: `${appointment.patient.given_name} ${appointment.patient.family_name}` }), " – ");
    }
    what.append(appointment.reason_label || appointment.reason || "");
  }
  item.append(what);
  const tags = el("span", { class: "agenda-item__tags" });
  const tag = (text, kind) => tags.append(el("span", { class: `tag tag--${kind}`, text }));
  if (appointment.status === "cancelled") tag(msg["status-cancelled"], "cancelled");
  if (appointment.status === "held") tag(msg["status-held"], "held");
  if (appointment.source === "phone") tag(msg["source-phone"], "phone");
  if (appointment.patient?.kind === "new") tag(msg["new-patient"], "new");
  if (appointment.booked_by) tag(bookedBy(appointment.booked_by, msg), "booker");
  if (appointment.no_show) tag(msg["no-show"], "missed");
  item.append(tags);
  if (appointment.status !== "held") {
    const href = `${root.dataset.appointment}#id=${appointment.id}`;
    const label = format(msg["details-of"], { time: clock.time(appointment.start) });
    item.append(el("a", { href, class: "agenda-item__link", "aria-label": label, text: msg.details }));
  }
  return item;
}

function render(answer) {
  const msg = page.msg;
  const clock = state.clock;
  const days = root.querySelector("[data-days]");
  days.replaceChildren();
  const first = clock.date(`${state.from}T12:00:00Z`);
  root.querySelector("[data-range]").textContent = state.days === 1 ? first : format(msg.week, { date: first });
  root.querySelector("[data-zone]").textContent = format(msg.zone, { city: clock.city });
  for (const [day, appointments] of dayList(answer.appointments)) {
    // A week has a heading per day; a single day has the range's heading only.
    const section = el("section", { class: "agenda-day", "aria-labelledby": state.days > 1 ? `day-${day}` : "agenda-range" });
    if (state.days > 1) section.append(el("h3", { id: `day-${day}`, text: clock.day(day) }));
    if (appointments.length === 0) {
      section.append(el("p", { class: "small", text: msg["day-empty"] }));
    } else {
      section.append(el("p", { class: "small", text: format(msg.count, { count: appointments.length }) }));
      section.append(el("ul", { class: "agenda-list" }, ...appointments.map(entry)));
    }
    days.append(section);
  }
  root.querySelector("[data-date]").value = state.from;
  for (const button of root.querySelectorAll("[data-view]")) {
    button.setAttribute("aria-pressed", String(Number(button.dataset.view) === state.days));
  }
}

async function load() {
  if (!state.practitioner) return;
  page.say(page.msg.loading);
  const path = `/pro/practitioners/${state.practitioner.id}/agenda?from=${state.from}&days=${state.days}`;
  const answer = await account.session.call("GET", path);
  page.say("");
  if (answer.error) {
    page.warn(page.problem(answer.error));
    return;
  }
  fillChoices(answer.data);
  render(answer.data);
  show(agenda);
}

// The visit reasons and places of the agenda's professional, for the forms. They come with the agenda, not from the
// settings, which a front desk's grant does not reach; filled once per professional, so a choice being made stays.
function fillChoices(answer) {
  if (state.choicesOf === answer.practitioner) return;
  state.choicesOf = answer.practitioner;
  const reasons = root.querySelector("[data-reasons]");
  reasons.replaceChildren(
    ...answer.visit_reasons.map((r) => new Option(`${r.label[page.lang] || r.label.fr} (${r.duration_minutes} min)`, r.id)),
  );
  for (const select of root.querySelectorAll("[data-sites]")) {
    select.replaceChildren(...answer.sites.map((s) => new Option(s.name, s.id)));
  }
}

function choose(practitioner) {
  state.practitioner = practitioner;
  state.clock = new Clock(page.lang, practitioner.timezone, page.msg);
  state.from = state.from || state.clock.today();
  for (const input of root.querySelectorAll("input[type=date]")) input.value = input.value || state.from;
  page.clear();
  load();
}

function announce(result, template) {
  const msg = page.msg;
  const when = format(msg.when, { date: state.clock.date(result.start), time: state.clock.time(result.start) });
  const parts = [format(template, { when })];
  if (result.emailed === true) parts.push(msg.emailed);
  if (result.emailed === false) parts.push(msg["not-emailed"]);
  page.say(parts.join(" "));
}

root.querySelector("[data-phone]").addEventListener("submit", async (event) => {
  event.preventDefault();
  page.clear();
  const form = event.currentTarget;
  const data = new FormData(form);
  if (!data.get("date") || !data.get("time")) {
    form.elements.time.setAttribute("aria-invalid", "true");
    form.elements.time.focus();
    page.warn(page.msg["check-field"]);
    return;
  }
  const patient = { given_name: data.get("given_name"), family_name: data.get("family_name"), kind: data.get("kind") };
  if (data.get("email")) patient.email = data.get("email");
  if (data.get("phone")) patient.phone = data.get("phone");
  const body = {
    site: data.get("site"),
    reason: data.get("reason"),
    start: state.clock.iso(data.get("date"), data.get("time")),
    patient,
    language: page.lang,
  };
  page.say(page.msg.saving);
  const answer = await account.session.call("POST", `/pro/practitioners/${state.practitioner.id}/appointments`, body);
  page.say("");
  if (answer.error) {
    page.warn(page.problem(answer.error, { invalid_input: answer.error.field === "start" ? page.msg["time-passed"] : undefined }));
    return;
  }
  for (const name of ["given_name", "family_name", "email", "phone"]) form.elements[name].value = "";
  state.from = state.clock.dateKey(answer.data.start);
  await load();
  announce(answer.data, page.msg.booked);
});

root.querySelector("[data-block]").addEventListener("submit", async (event) => {
  event.preventDefault();
  page.clear();
  const form = event.currentTarget;
  const data = new FormData(form);
  if (!data.get("date") || !data.get("start") || !data.get("end") || data.get("end") <= data.get("start")) {
    form.elements.end.setAttribute("aria-invalid", "true");
    form.elements.end.focus();
    page.warn(page.msg["block-too-long"]);
    return;
  }
  const body = {
    site: data.get("site"),
    start: state.clock.iso(data.get("date"), data.get("start")),
    end: state.clock.iso(data.get("date"), data.get("end")),
  };
  page.say(page.msg.saving);
  const answer = await account.session.call("POST", `/pro/practitioners/${state.practitioner.id}/blocks`, body);
  page.say("");
  if (answer.error) {
    const known = { invalid_input: answer.error.field === "end" ? page.msg["block-too-long"] : undefined };
    page.warn(page.problem(answer.error, known));
    return;
  }
  state.from = state.clock.dateKey(answer.data.start);
  await load();
  announce(answer.data, page.msg.blocked);
});

for (const button of root.querySelectorAll("[data-view]")) {
  button.addEventListener("click", () => {
    state.days = Number(button.dataset.view);
    load();
  });
}
for (const button of root.querySelectorAll("[data-step]")) {
  button.addEventListener("click", () => {
    state.from = addDays(state.from, Number(button.dataset.step) * state.days);
    load();
  });
}
root.querySelector("[data-today]").addEventListener("click", () => {
  state.from = state.clock.today();
  load();
});
root.querySelector("[data-date]").addEventListener("change", (event) => {
  if (event.target.value) {
    state.from = event.target.value;
    load();
  }
});

account = await signedIn(root, page, choose);
if (account?.practitioner) choose(account.practitioner);
