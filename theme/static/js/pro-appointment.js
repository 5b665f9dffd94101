// One appointment and its patient (GET /api/v1/pro/appointments/<id>; the read is recorded in the audit log), with
// cancel and move (the patient is e-mailed), no-show, and release of a blocked time. The agenda links here with
// #id=<appointment id> in the fragment.

import { Clock, Page, format, show, signedIn } from "./pro-core.js";

const root = document.querySelector("[data-pro]");
const page = new Page(root);
const view = root.querySelector("[data-appointment]");
const id = (/[#&]id=([0-9a-f]{20})/.exec(location.hash) || [])[1];
const state = { appointment: null, clock: null };
let account = null;

function text(name, value) {
  root.querySelector(`[data-show="${name}"]`).textContent = value;
}

function link(name, scheme, value) {
  const cell = root.querySelector(`[data-show="${name}"]`);
  cell.replaceChildren();
  if (!value) {
    cell.textContent = page.msg.none;
    return;
  }
  const anchor = document.createElement("a");
  anchor.href = `${scheme}:${value.replace(/\s/g, "")}`;
  anchor.textContent = value;
  cell.append(anchor);
}

function render(appointment) {
  const msg = page.msg;
  state.appointment = appointment;
  state.clock = new Clock(page.lang, appointment.timezone, page.msg);
  const clock = state.clock;
  const when = format(msg.when, { date: clock.date(appointment.start), time: clock.time(appointment.start) });
  text("when", `${when}–${clock.time(appointment.end)}. ${format(msg.zone, { city: clock.city })}`);
  text("reason", appointment.reason_label || appointment.reason || "–");
  text("site", appointment.site_name || appointment.site);
  let status = msg[`status-${appointment.status}`] || appointment.status;
  if (appointment.cancelled_by) status = msg[`cancelled-by-${appointment.cancelled_by}`];
  if (appointment.no_show) status = `${status} – ${msg.missed}`;
  text("status", status);
  text("source", msg[`source-${appointment.source}`]);
  const patient = appointment.patient;
  show(root.querySelector("[data-patient]"), Boolean(patient));
  if (patient) {
    text("name", `${patient.given_name} ${patient.family_name}`);
    link("email", "mailto", patient.email);
    link("phone", "tel", patient.phone);
    text("kind", msg[`kind-${patient.kind}`]);
    const born = patient.birth_date ? new Date(`${patient.birth_date}T12:00:00Z`) : null;
    text("birth_date", born ? new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "long", timeZone: "UTC" }).format(born) : "");
    show(root.querySelector('[data-row="birth_date"]'), Boolean(born));
    const booker = appointment.booked_by;
    const relation = booker ? msg[`relation-${booker.relation}`] || booker.relation : "";
    text("booked_by", booker ? format(msg["booked-by"], { name: `${booker.given_name} ${booker.family_name}`, relation }) : "");
    show(root.querySelector('[data-row="booked_by"]'), Boolean(booker));
  }
  const started = Date.parse(appointment.start) <= Date.now();
  const confirmed = appointment.status === "confirmed";
  const action = (name) => root.querySelector(`[data-action="${name}"]`);
  show(action("cancel"), confirmed && !started);
  show(action("move"), confirmed && !started);
  show(action("release"), appointment.status === "blocked");
  show(action("no-show"), confirmed && started);
  action("no-show").textContent = appointment.no_show ? msg["no-show-unmark"] : msg["no-show-mark"];
  for (const box of root.querySelectorAll("[data-box]")) show(box, false);
  show(view);
}

async function change(path, body, done) {
  page.clear();
  page.say(page.msg.saving);
  const answer = await account.session.call("POST", `/pro/appointments/${id}/${path}`, body);
  page.say("");
  if (answer.error) {
    const known = {
      not_started: page.msg["not-started"],
      too_late: page.msg["too-late"],
      invalid_input: answer.error.field === "start" ? page.msg["time-passed"] : undefined,
    };
    page.warn(page.problem(answer.error, known));
    return;
  }
  render(answer.data);
  const parts = [done(answer.data)];
  if (answer.data.emailed === true) parts.push(page.msg.emailed);
  if (answer.data.emailed === false) parts.push(page.msg["not-emailed"]);
  page.say(parts.join(" "));
  root.querySelector("[data-heading]").focus();
}

function open(name) {
  const box = root.querySelector(`[data-box="${name}"]`);
  show(box);
  box.querySelector("h2").focus();
}

root.querySelector('[data-action="cancel"]').addEventListener("click", () => open("cancel"));
root.querySelector('[data-action="release"]').addEventListener("click", () =>
  change("cancel", undefined, () => page.msg.released),
);
root.querySelector('[data-action="move"]').addEventListener("click", () => {
  const form = root.querySelector("[data-move]");
  const { day, time } = state.clock.parts(state.appointment.start);
  form.elements.date.value = day;
  form.elements.time.value = time;
  open("move");
});
root.querySelector('[data-action="no-show"]').addEventListener("click", () => {
  const missed = !state.appointment.no_show;
  change("no-show", { no_show: missed }, () => (missed ? page.msg["no-show-done"] : page.msg["no-show-undone"]));
});
root.querySelector('[data-box="cancel"] [data-yes]').addEventListener("click", () =>
  change("cancel", undefined, () => page.msg["cancelled-done"]),
);
for (const button of root.querySelectorAll("[data-box] [data-no]")) {
  button.addEventListener("click", () => {
    show(button.closest("[data-box]"), false);
    root.querySelector(`[data-action="${button.closest("[data-box]").dataset.box}"]`).focus();
  });
}
root.querySelector("[data-move]").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  if (!form.elements.date.value || !form.elements.time.value) {
    form.elements.time.setAttribute("aria-invalid", "true");
    page.warn(page.msg["check-field"]);
    return;
  }
  const start = state.clock.iso(form.elements.date.value, form.elements.time.value);
  change("move", { start }, (moved) =>
    format(page.msg["moved-done"], {
      when: format(page.msg.when, { date: state.clock.date(moved.start), time: state.clock.time(moved.start) }),
    }),
  );
});

account = await signedIn(root, page, () => location.assign(root.dataset.agenda));
if (account && !id) {
  page.warn(page.msg["missing-id"]);
} else if (account) {
  page.say(page.msg.loading);
  const answer = await account.session.call("GET", `/pro/appointments/${id}`);
  page.say("");
  if (answer.error) page.warn(page.problem(answer.error));
  else render(answer.data);
}
