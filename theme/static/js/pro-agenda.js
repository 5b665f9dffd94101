// The agenda of one professional by day or week (weeks start on Monday) as a time grid (pro-grid.js), with other
// agendas of the account side by side in the day view, and the forms that add an appointment taken by phone (from
// a free time of the grid, or typed, with the next free times suggested) and block a time. Each agenda is one call:
// GET /api/v1/pro/practitioners/<id>/agenda. Times are on the practice's clock, its zone named.

import { Clock, Page, addDays, el, format, show, signedIn } from "./pro-core.js";
import { TimeGrid, column, reasonClass } from "./pro-grid.js";

const root = document.querySelector("[data-pro]");
const page = new Page(root);
const agenda = root.querySelector("[data-agenda]");
const phone = root.querySelector("[data-phone]");
const state = { practitioner: null, clock: null, from: null, days: 1, others: new Set(), answers: new Map(), bookFor: null };
let account = null;
let grid = null;

// The Monday of a local date's week.
function monday(day) {
  const weekday = (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

const nameOf = (id) => account.me.practitioners.find((p) => p.id === id)?.name || id;

// -- the grid --------------------------------------------------------------------------------------------------

function freeReason() {
  return root.querySelector("[data-free-reason]").value;
}

function fillFreeReasons(answer) {
  const select = root.querySelector("[data-free-reason]");
  const chosen = select.value;
  select.replaceChildren(...answer.visit_reasons.map((r) => new Option(r.label[page.lang] || r.label.fr, r.id)));
  const ids = answer.visit_reasons.map((r) => r.id);
  const withTimes = ids.find((id) => answer.free_times[id]?.length);
  select.value = ids.includes(chosen) ? chosen : withTimes || ids[0] || "";
}

function legend(answer) {
  const list = root.querySelector("[data-legend-reasons]");
  list.replaceChildren(
    ...answer.visit_reasons.map((r) =>
      el("li", {}, el("span", { class: `swatch tg-item tg-item--confirmed ${reasonClass(answer.visit_reasons, r.id)}`, "aria-hidden": "true" }), ` ${r.label[page.lang] || r.label.fr}`),
    ),
  );
}

function columns() {
  const main = state.answers.get(state.practitioner.id);
  const options = (answer, day, heading) => column(answer, day, state.clock, { heading, freeReason: freeReason(), msg: page.msg, lang: page.lang });
  if (state.days > 1) {
    return Array.from({ length: state.days }, (_, i) => addDays(state.from, i)).map((day) => options(main, day, state.clock.day(day)));
  }
  const ids = [state.practitioner.id, ...state.others].filter((id) => state.answers.has(id));
  if (ids.length === 1) return [options(main, state.from, state.clock.day(state.from))];
  return ids.map((id) => options(state.answers.get(id), state.from, nameOf(id)));
}

function render() {
  const msg = page.msg;
  const first = state.clock.date(`${state.from}T12:00:00Z`);
  root.querySelector("[data-range]").textContent = state.days === 1 ? first : format(msg.week, { date: first });
  root.querySelector("[data-zone]").textContent = format(msg.zone, { city: state.clock.city });
  root.querySelector("[data-who]").textContent = state.practitioner.name;
  const shown = grid.render(columns());
  show(root.querySelector("[data-empty]"), shown === 0);
  root.querySelector("[data-date]").value = state.from;
  for (const button of root.querySelectorAll("[data-view]")) {
    button.setAttribute("aria-pressed", String(Number(button.dataset.view) === state.days));
  }
}

async function fetchAgenda(id) {
  const path = `/pro/practitioners/${id}/agenda?from=${state.from}&days=${state.days}`;
  return account.session.call("GET", path);
}

let loads = 0; // the latest load's number: an answer to an earlier one (a day clicked past) is dropped

async function load() {
  if (!state.practitioner) return;
  if (state.days > 1) state.from = monday(state.from);
  page.say(page.msg.loading);
  const mine = ++loads;
  const ids = [state.practitioner.id, ...(state.days === 1 ? state.others : [])];
  const answers = await Promise.all(ids.map(fetchAgenda));
  if (mine !== loads) return; // a later load asked for other days meanwhile: its answer draws the grid
  page.say("");
  if (answers[0].error) {
    page.warn(page.problem(answers[0].error));
    return;
  }
  state.answers = new Map();
  answers.forEach((answer, i) => answer.data && state.answers.set(ids[i], answer.data));
  const main = answers[0].data;
  fillFreeReasons(main);
  legend(main);
  if (!state.bookFor || !state.answers.has(state.bookFor)) forPhone(state.practitioner.id);
  render();
  show(agenda);
}

// Other agendas of the account on the same clock, to show beside this one in the day view.
function fillOthers() {
  const box = root.querySelector("[data-others]");
  for (const label of box.querySelectorAll("label")) label.remove();
  const others = account.me.practitioners.filter((p) => p.id !== state.practitioner.id && p.timezone === state.practitioner.timezone);
  for (const other of others) {
    const input = el("input", { type: "checkbox", value: other.id, checked: state.others.has(other.id) });
    box.append(el("label", { class: "check" }, input, ` ${other.name}`));
  }
  state.others = new Set([...state.others].filter((id) => others.some((p) => p.id === id)));
  show(box, others.length > 0);
}

// -- the phone booking -------------------------------------------------------------------------------------------

// The form books for `id`: its visit reasons and places (they come with its agenda, which a front desk can read).
function forPhone(id) {
  const answer = state.answers.get(id);
  if (!answer) return;
  const changed = state.bookFor !== id;
  state.bookFor = id;
  if (changed || !phone.elements.reason.options.length) {
    phone.elements.reason.replaceChildren(
      ...answer.visit_reasons.map((r) => new Option(`${r.label[page.lang] || r.label.fr} (${r.duration_minutes} min)`, r.id)),
    );
    phone.elements.site.replaceChildren(...answer.sites.map((s) => new Option(s.name, s.id)));
    root.querySelector("[data-block-sites]").replaceChildren(...state.answers.get(state.practitioner.id).sites.map((s) => new Option(s.name, s.id)));
  }
}

function describeBooking() {
  const note = root.querySelector("[data-book-for]");
  const { date, time } = phone.elements;
  const many = state.bookFor !== state.practitioner.id || state.others.size > 0;
  if (!many || !date.value) {
    show(note, false);
    return;
  }
  const when = time.value ? format(page.msg.when, { date: state.clock.day(date.value), time: time.value }) : state.clock.day(date.value);
  note.textContent = format(page.msg["book-for"], { name: nameOf(state.bookFor), when });
  show(note, true);
}

// Buttons for free times that fill the form's date, time and place: the next ones, or the nearest after a clash.
function offer(slots, title) {
  const box = root.querySelector("[data-suggest]");
  box.querySelector("[data-suggest-title]").textContent = title;
  const list = box.querySelector("[data-suggest-times]");
  list.replaceChildren(
    ...slots.map((slot) => {
      const when = format(page.msg.when, { date: state.clock.day(state.clock.dateKey(slot.start)), time: state.clock.time(slot.start) });
      const button = el("button", { type: "button", class: "button button--secondary", "aria-label": format(page.msg["pick-time"], { when }) }, when);
      button.addEventListener("click", () => {
        fill({ start: slot.start, site: slot.site });
        phone.elements.given_name.focus();
      });
      return el("li", {}, button);
    }),
  );
}

// Each offer of times is numbered: an answer to an earlier question that arrives late (the next free times asked
// when the date changed) must not replace a later offer, such as a clash's alternatives that hold the focus.
let offers = 0;

async function suggest() {
  const reason = phone.elements.reason.value;
  if (!reason || !state.bookFor) return;
  const asked = ++offers;
  const from = phone.elements.date.value || state.clock.today();
  const path = `/pro/practitioners/${state.bookFor}/free-times?reason=${encodeURIComponent(reason)}&from=${from}&limit=6`;
  const answer = await account.session.call("GET", path);
  if (answer.error || asked !== offers) return;
  offer(answer.data.slots, answer.data.slots.length ? page.msg.suggest : page.msg["suggest-none"]);
}

function fill({ start, site, reason }) {
  const { day, time } = state.clock.parts(start);
  phone.elements.date.value = day;
  phone.elements.time.value = time;
  if (reason) phone.elements.reason.value = reason;
  if (site) phone.elements.site.value = site;
  describeBooking();
}

// A free time chosen in the grid: the form, filled in with it, for the agenda it belongs to.
function takeFree({ column: c, slot, reason }) {
  page.clear();
  forPhone(c.practitioner);
  fill({ start: slot.start, site: slot.site, reason });
  suggest();
  const panel = root.querySelector("[data-phone-panel]");
  panel.scrollIntoView({ block: "start" });
  phone.elements.given_name.focus();
}

function announce(result, template) {
  const msg = page.msg;
  const when = format(msg.when, { date: state.clock.date(result.start), time: state.clock.time(result.start) });
  const parts = [format(template, { when })];
  if (result.emailed === true) parts.push(msg.emailed);
  if (result.emailed === false) parts.push(msg["not-emailed"]);
  page.say(parts.join(" "));
}

phone.addEventListener("submit", async (event) => {
  event.preventDefault();
  page.clear();
  const data = new FormData(phone);
  if (!data.get("date") || !data.get("time")) {
    phone.elements.time.setAttribute("aria-invalid", "true");
    phone.elements.time.focus();
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
  const answer = await account.session.call("POST", `/pro/practitioners/${state.bookFor}/appointments`, body);
  page.say("");
  if (answer.error?.code === "slot_taken" && answer.error.alternatives) {
    const alternatives = answer.error.alternatives;
    page.warn(alternatives.length ? page.msg.clash : page.msg["clash-none"]);
    offers += 1;
    offer(alternatives, alternatives.length ? page.msg.clash : page.msg["clash-none"]);
    root.querySelector("[data-suggest-times] button")?.focus();
    return;
  }
  if (answer.error) {
    page.warn(page.problem(answer.error, { invalid_input: answer.error.field === "start" ? page.msg["time-passed"] : undefined }));
    return;
  }
  for (const name of ["given_name", "family_name", "email", "phone"]) phone.elements[name].value = "";
  state.from = state.days > 1 ? monday(state.clock.dateKey(answer.data.start)) : state.clock.dateKey(answer.data.start);
  await load();
  suggest();
  announce(answer.data, page.msg.booked);
});
phone.elements.reason.addEventListener("change", suggest);
phone.elements.date.addEventListener("change", () => {
  describeBooking();
  suggest();
});
phone.elements.time.addEventListener("change", describeBooking);

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

// -- moving around -------------------------------------------------------------------------------------------------

function choose(practitioner) {
  state.practitioner = practitioner;
  state.clock = new Clock(page.lang, practitioner.timezone, page.msg);
  state.from = state.from || state.clock.today();
  state.bookFor = null;
  for (const input of root.querySelectorAll("input[type=date]")) input.value = input.value || state.from;
  fillOthers();
  page.clear();
  load().then(suggest);
}

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
root.querySelector("[data-free-reason]").addEventListener("change", render);
root.querySelector("[data-others]").addEventListener("change", (event) => {
  if (event.target.checked) state.others.add(event.target.value);
  else state.others.delete(event.target.value);
  load();
});
root.querySelector("[data-print]").addEventListener("click", async () => {
  if (state.days !== 1) {
    state.days = 1;
    await load();
  }
  window.print();
});

grid = new TimeGrid(root.querySelector("[data-grid]"), page.msg, {
  onFree: takeFree,
  href: (appointment) => `${root.dataset.appointment}#id=${appointment.id}`,
});
account = await signedIn(root, page, choose);
if (account?.practitioner) choose(account.practitioner);
