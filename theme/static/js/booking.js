// The booking widget on a professional's page: new or existing patient, visit reason and place; the first free
// time at once and the free times by week; the patient's details; the e-mailed code; the confirmation with a
// calendar file and the manage link; the waiting list when no time suits (its own e-mailed code). A link with
// ?reason=...&site=... (the "book again" links) opens with that reason and place chosen. The markup (and every
// text) is the booking-widget component's <template>;
// the static lists of reasons and places in the section are its data. The phone number and opening hours stay on
// the page whatever happens here (with JavaScript off or the API down, they are how to book).
import { Api, Clock, SlotPicker, addDays, errorText, fillDetails, format, messages, newKey, show } from "./booking-core.js";

const EMAIL = /^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>".]+$/; // the API's own rule (functions/chalicelib/core/schemas.py)
const PHONE = /^\+?[0-9][0-9 .-]{5,20}$/;
const NAME_MAX = 80;
const FIELDS = ["given_name", "family_name", "email", "phone"];
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

const section = document.querySelector("#booking[data-practitioner]");
const mount = section?.querySelector("[data-booking-widget]");
const template = section?.querySelector("template[data-booking-template]");
if (section && mount && template) start();

function start() {
  const msg = messages(section);
  const lang = section.dataset.lang || document.documentElement.lang;
  const api = new Api(section.dataset.api || msg.api);
  const practitioner = section.dataset.practitioner;
  const reasons = [...section.querySelectorAll("li[data-reason]")].map((li) => ({
    id: li.dataset.reason,
    label: li.textContent.replace(/\s+/g, " ").trim(),
    new: li.dataset.newPatients === "true",
    existing: li.dataset.existingPatients === "true",
  }));
  const sites = [...section.querySelectorAll("li[data-site]")].map((li) => ({
    id: li.dataset.site,
    timeZone: li.dataset.timezone,
    reasons: (li.dataset.reasons || "").split(/\s+/).filter(Boolean),
    label: li.textContent.replace(/\s+/g, " ").trim(),
  }));

  mount.append(template.content.cloneNode(true));
  const root = mount.querySelector("[data-widget]");
  const $ = (selector) => root.querySelector(selector);
  const steps = Object.fromEntries([...root.querySelectorAll("[data-step]")].map((el) => [el.dataset.step, el]));
  const choice = $("[data-choice]");
  const first = $("[data-first]");
  const details = $("form[data-details]");
  const codeForm = $("form[data-code]");
  const state = { kind: null, reason: null, site: null, slot: null, hold: null, pending: null, busy: false };

  const picker = new SlotPicker($("[data-slot-picker]"), {
    api,
    practitioner,
    msg,
    lang,
    onChoose: chooseSlot,
  });

  // -- steps -----------------------------------------------------------------------------------------------------

  function step(name, focus = true) {
    for (const [key, element] of Object.entries(steps)) show(element, key === name);
    show(choice, name === "slots");
    show(first, name === "slots" && first.textContent !== "");
    const heading = steps[name]?.querySelector("h3");
    if (focus && heading) heading.focus();
  }

  function site() {
    return sites.find((s) => s.id === state.site);
  }

  function clock() {
    return new Clock(lang, site()?.timeZone || sites[0]?.timeZone || "UTC", msg);
  }

  // -- choices: kind of patient, reason, place -------------------------------------------------------------------

  function radio(name, value, label, checked) {
    const wrapper = document.createElement("div");
    wrapper.className = "radio";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = name;
    input.value = value;
    input.id = `${name}-${value}`;
    input.checked = checked;
    const text = document.createElement("label");
    text.htmlFor = input.id;
    text.textContent = label;
    wrapper.append(input, text);
    return wrapper;
  }

  function renderReasons() {
    const box = $("[data-reasons]");
    const allowed = reasons.filter((r) => (state.kind === "new" ? r.new : r.existing));
    if (!allowed.some((r) => r.id === state.reason)) state.reason = allowed[0]?.id || null;
    box.querySelector("[data-options]").replaceChildren(
      ...allowed.map((r) => radio("bw-reason", r.id, r.label, r.id === state.reason)),
    );
    show(box, true);
    show(box.querySelector("[data-no-reason]"), allowed.length === 0);
    renderSites();
  }

  function renderSites() {
    const box = $("[data-sites]");
    const allowed = sites.filter((s) => s.reasons.includes(state.reason));
    if (!allowed.some((s) => s.id === state.site)) state.site = allowed[0]?.id || null;
    box.querySelector("[data-options]").replaceChildren(
      ...allowed.map((s) => radio("bw-site", s.id, s.label, s.id === state.site)),
    );
    show(box, allowed.length > 0);
    if (state.reason && state.site) loadSlots();
    else show(steps.slots, false);
  }

  async function loadSlots(alert = "") {
    $("[data-slot-alert]").textContent = alert;
    show($("[data-slot-alert]"), Boolean(alert));
    step("slots", false);
    const found = await picker.select({
      reason: state.reason,
      site: state.site,
      patient: state.kind,
      timeZone: site().timeZone,
    });
    if (found !== undefined) {
      setFirst(found ? format(msg["first-reason"], { when: clock().when(found.start) }) : msg["first-none"]);
    }
  }

  function setFirst(text) {
    first.textContent = text;
    show(first, Boolean(text) && !steps.slots.hidden);
  }

  choice.addEventListener("change", (event) => {
    const { name, value } = event.target;
    if (name === "bw-kind") {
      state.kind = value;
      renderReasons();
    } else if (name === "bw-reason") {
      state.reason = value;
      renderSites();
    } else if (name === "bw-site") {
      state.site = value;
      loadSlots();
    }
  });

  // -- the patient's details -------------------------------------------------------------------------------------

  function chooseSlot(slot) {
    state.slot = slot;
    const reason = reasons.find((r) => r.id === state.reason);
    $("[data-chosen]").textContent = `${clock().when(slot.start)} – ${reason?.label || ""} – ${site()?.label || ""}`;
    formError(details, "");
    step("details");
  }

  $("[data-change]").addEventListener("click", () => {
    step("slots", false);
    steps.slots.querySelector("h3").focus();
  });

  function fieldError(form, name, text) {
    const input = form.elements[name];
    const error = form.querySelector(`[data-error-for="${name}"]`);
    error.textContent = text;
    if (text) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    return !text;
  }

  function formError(form, text) {
    form.querySelector("[data-form-error]").textContent = text;
  }

  function checkDetails() {
    const value = (name) => details.elements[name].value.trim();
    const problems = {
      given_name: !value("given_name") ? msg["given-name-missing"] : value("given_name").length > NAME_MAX ? msg["too-long"] : "",
      family_name: !value("family_name")
        ? msg["family-name-missing"]
        : value("family_name").length > NAME_MAX
          ? msg["too-long"]
          : "",
      email: !value("email") ? msg["email-missing"] : EMAIL.test(value("email")) ? "" : msg["email-invalid"],
      phone: !value("phone") || PHONE.test(value("phone")) ? "" : msg["phone-invalid"],
    };
    for (const name of FIELDS) fieldError(details, name, problems[name]);
    const wrong = FIELDS.find((name) => problems[name]);
    if (wrong) details.elements[wrong].focus();
    return !wrong;
  }

  // Blur checks a field once it has been typed in, so the message sits next to it before the form is sent.
  for (const name of FIELDS) {
    details.elements[name].addEventListener("blur", () => {
      if (details.elements[name].getAttribute("aria-invalid") === "true") checkDetails();
    });
  }

  function patient() {
    const value = (name) => details.elements[name].value.trim();
    const data = { given_name: value("given_name"), family_name: value("family_name"), email: value("email") };
    if (value("phone")) data.phone = value("phone");
    return { ...data, kind: state.kind };
  }

  details.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.busy || !checkDetails()) return;
    const body = {
      practitioner,
      site: state.slot.site,
      reason: state.reason,
      start: state.slot.start,
      patient: patient(),
      language: lang,
    };
    const text = JSON.stringify(body);
    // A retry of the same request (after a network failure) sends the same Idempotency-Key: never two holds.
    if (state.pending?.text !== text) state.pending = { text, key: newKey() };
    formError(details, msg.sending);
    state.busy = true;
    const answer = await api.post("/appointments", body, { key: state.pending.key });
    state.busy = false;
    formError(details, "");
    if (answer.status === 201) {
      state.pending = null;
      state.hold = answer.data;
      showCode();
      return;
    }
    if (answer.status === 0 || answer.status >= 500) {
      formError(details, msg.unavailable);
      return;
    }
    state.pending = null;
    const { code, field } = answer.error;
    if (code === "slot_taken") {
      slotTaken(msg["slot-taken"]);
    } else if (field === "start") {
      slotTaken(msg["slot-gone"]);
    } else if (code === "invalid_input" && field?.startsWith("patient.")) {
      const name = field.slice("patient.".length);
      const texts = { email: msg["email-invalid"], phone: msg["phone-invalid"] };
      fieldError(details, name, texts[name] || msg["invalid-input"]);
      details.elements[name]?.focus();
    } else {
      formError(details, errorText(msg, answer.error));
    }
  });

  async function slotTaken(text) {
    const taken = state.slot;
    state.slot = null;
    $("[data-slot-alert]").textContent = text;
    show($("[data-slot-alert]"), true);
    step("slots");
    await picker.after(taken);
  }

  // -- the code --------------------------------------------------------------------------------------------------

  function showCode() {
    const when = clock().time(state.hold.hold_expires_at);
    $("[data-code-sent]").textContent = format(msg["code-sent"], { email: patient().email, time: when });
    codeForm.reset();
    fieldError(codeForm, "code", "");
    formError(codeForm, "");
    $("[data-code-status]").textContent = "";
    show($("[data-code-fields]"), true);
    show($("[data-restart-box]"), false);
    step("code");
  }

  function restart(text) {
    show($("[data-code-fields]"), false);
    $("[data-restart-text]").textContent = text;
    show($("[data-restart-box]"), true);
    $("[data-restart]").focus();
  }

  $("[data-restart]").addEventListener("click", async () => {
    state.hold = null;
    state.slot = null;
    step("slots");
    await loadSlots();
    steps.slots.querySelector("h3").focus();
  });

  function codeProblem(answer) {
    const { code, attempts_left: left } = answer.error;
    if (answer.status === 0 || answer.status >= 500) return formError(codeForm, msg.unavailable);
    if (code === "wrong_code") {
      // The API gives the count as a number (docs/api.md, "Errors"): the sentence is ours, in the page's language.
      fieldError(codeForm, "code", Number.isInteger(left) ? format(msg["wrong-code"], { left }) : msg["code-invalid"]);
      codeForm.elements.code.select();
      return codeForm.elements.code.focus();
    }
    if (code === "invalid_input") return fieldError(codeForm, "code", msg["code-invalid"]);
    if (code === "hold_expired" || code === "not_found") return restart(msg["hold-expired"]);
    if (code === "too_many_attempts") return restart(msg["too-many-attempts"]);
    if (code === "not_confirmed") return restart(msg["hold-expired"]);
    return formError(codeForm, errorText(msg, answer.error));
  }

  codeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.busy) return;
    const code = codeForm.elements.code.value.replace(/\s/g, "");
    if (!fieldError(codeForm, "code", /^\d{6}$/.test(code) ? "" : msg["code-invalid"])) {
      codeForm.elements.code.focus();
      return;
    }
    formError(codeForm, "");
    $("[data-code-status]").textContent = msg.confirming;
    state.busy = true;
    const answer = await api.post(`/appointments/${state.hold.id}/confirm`, { code });
    state.busy = false;
    $("[data-code-status]").textContent = "";
    if (answer.status === 200) done(answer.data);
    else codeProblem(answer);
  });

  $("[data-resend]").addEventListener("click", async () => {
    if (state.busy) return;
    state.busy = true;
    const answer = await api.post(`/appointments/${state.hold.id}/code`, {});
    state.busy = false;
    if (answer.status === 202) {
      codeForm.elements.code.value = "";
      fieldError(codeForm, "code", "");
      $("[data-code-status]").textContent = format(msg["code-resent"], { email: patient().email });
      codeForm.elements.code.focus();
    } else if (answer.error.code === "too_many_attempts") {
      restart(msg["too-many-codes"]);
    } else {
      codeProblem(answer);
    }
  });

  // -- confirmed -------------------------------------------------------------------------------------------------

  function done(appointment) {
    const manage = `${template.dataset.manageUrl}#id=${appointment.id}&token=${encodeURIComponent(appointment.manage_token)}`;
    fillDetails(steps.done, appointment, new Clock(lang, appointment.timezone, msg), msg);
    $("[data-manage-link]").href = manage;
    $("[data-done-email]").textContent = format(msg["done-email"], { email: appointment.patient.email });
    first.textContent = "";
    step("done");
  }

  // -- the waiting list ------------------------------------------------------------------------------------------

  const waitBox = $("[data-wait-box]");
  const waitForm = $("form[data-wait-form]");
  const waitCode = $("form[data-wait-code]");
  const WAIT_FIELDS = ["before", "given_name", "family_name", "email", "phone"];
  const waitState = { request: null, email: "", before: "" };

  $("[data-wait-open]").addEventListener("click", (event) => {
    const open = waitBox.hidden;
    show(waitBox, open);
    event.target.setAttribute("aria-expanded", String(open));
    if (!open) return;
    const today = clock().today();
    waitForm.elements.before.min = today;
    waitForm.elements.before.max = addDays(today, 90);
    for (const name of ["given_name", "family_name", "email", "phone"]) {
      if (!waitForm.elements[name].value) waitForm.elements[name].value = details.elements[name].value;
    }
    $("#bw-wait-title").focus();
  });

  function checkWait() {
    const value = (name) => waitForm.elements[name].value.trim();
    const { min, max } = waitForm.elements.before;
    const problems = {
      before: value("before") && value("before") >= min && value("before") <= max ? "" : msg["wait-before-invalid"],
      given_name: value("given_name") ? "" : msg["given-name-missing"],
      family_name: value("family_name") ? "" : msg["family-name-missing"],
      email: !value("email") ? msg["email-missing"] : EMAIL.test(value("email")) ? "" : msg["email-invalid"],
      phone: !value("phone") || PHONE.test(value("phone")) ? "" : msg["phone-invalid"],
    };
    for (const name of WAIT_FIELDS) fieldError(waitForm, name, problems[name]);
    const wrong = WAIT_FIELDS.find((name) => problems[name]);
    if (wrong) waitForm.elements[wrong].focus();
    return !wrong;
  }

  waitForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.busy || !checkWait()) return;
    const value = (name) => waitForm.elements[name].value.trim();
    const person = { given_name: value("given_name"), family_name: value("family_name"), email: value("email") };
    if (value("phone")) person.phone = value("phone");
    const body = {
      practitioner,
      site: state.site,
      reason: state.reason,
      before: value("before"),
      patient: { ...person, kind: state.kind || "existing" },
      language: lang,
    };
    formError(waitForm, msg.sending);
    state.busy = true;
    const answer = await api.post("/waitlist", body);
    state.busy = false;
    formError(waitForm, "");
    if (answer.status === 202) {
      waitState.request = answer.data.id;
      waitState.email = person.email;
      waitState.before = body.before;
      $("[data-wait-sent]").textContent = format(msg["wait-sent"], { email: person.email });
      show(waitForm, false);
      show(waitCode, true);
      waitCode.elements.code.focus();
      return;
    }
    const { code, field } = answer.error;
    if (field === "before") fieldError(waitForm, "before", code === "conflict" ? msg["wait-many-free"] : msg["wait-before-invalid"]);
    else if (field?.startsWith("patient.")) fieldError(waitForm, field.slice(8), msg[`${field.slice(8)}-invalid`] || msg["invalid-input"]);
    else formError(waitForm, errorText(msg, answer.error));
  });

  waitCode.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = waitCode.elements.code.value.replace(/\s/g, "");
    if (!fieldError(waitCode, "code", /^\d{6}$/.test(code) ? "" : msg["code-invalid"])) {
      waitCode.elements.code.focus();
      return;
    }
    if (state.busy) return;
    state.busy = true;
    const answer = await api.post(`/waitlist/${waitState.request}/confirm`, { code });
    state.busy = false;
    if (answer.status === 201) {
      show(waitCode, false);
      const done = $("[data-wait-done]");
      const date = clock().dayOf(waitState.before);
      done.textContent = format(msg["wait-done"], { date, email: waitState.email });
      show(done, true);
      done.focus();
      return;
    }
    const { code: problemCode, attempts_left: left } = answer.error;
    if (problemCode === "wrong_code") fieldError(waitCode, "code", format(msg["wrong-code"], { left }));
    else if (problemCode === "too_many_holds") formError(waitCode, msg["wait-too-many"]);
    else formError(waitCode, errorText(msg, answer.error));
    waitCode.elements.code.focus();
  });

  // -- a link that chose the reason and place (book again) ---------------------------------------------------------

  function preselect() {
    const asked = new URLSearchParams(location.search);
    const reason = reasons.find((r) => r.id === asked.get("reason"));
    if (!reason) return;
    state.kind = reason.existing ? "existing" : "new";
    state.reason = reason.id;
    state.site = asked.get("site");
    const kind = root.querySelector(`#bw-kind-${state.kind}`);
    if (kind) kind.checked = true;
    renderReasons();
  }

  // -- the opening hours in force ----------------------------------------------------------------------------------

  // The page was built from the data file; the practice may have changed its hours in the back-office since. Each
  // site's table is rebuilt from the API's hours, with the same rows as the build writes (days in weekday order,
  // "08:00–12:00, 14:00–18:00"), only when they differ, and a sentence then says so.
  function liveHours(hours) {
    for (const live of hours || []) {
      const table = section.querySelector(`table[data-hours-site="${CSS.escape(live.site)}"]`);
      if (!table?.tBodies[0]) continue;
      const spans = Object.fromEntries(DAYS.map((day) => [day, new Set()]));
      for (const period of live.periods) {
        for (const day of period.days) spans[day]?.add(`${period.start}–${period.end}`);
      }
      const rows = DAYS.filter((day) => spans[day].size).map((day) => [
        msg[`day-${day}`],
        [...spans[day]].sort().join(", "),
      ]);
      const wanted = rows.length ? rows.map((pair) => pair.join("\t")) : [msg["hours-none"]];
      const cells = (row) => [...row.cells].map((cell) => cell.textContent.trim()).join("\t");
      if ([...table.tBodies[0].rows].map(cells).join("\n") === wanted.join("\n")) continue;
      const body = document.createElement("tbody");
      for (const [day, text] of rows) {
        const row = body.insertRow();
        const th = document.createElement("th");
        th.scope = "row";
        th.textContent = day;
        row.append(th);
        row.insertCell().textContent = text;
      }
      if (!rows.length) {
        const cell = body.insertRow().insertCell();
        cell.colSpan = 2;
        cell.textContent = msg["hours-none"];
      }
      table.tBodies[0].replaceWith(body);
      const note = document.createElement("p");
      note.className = "hours__updated";
      note.id = `hours-updated-${live.site}`;
      note.textContent = msg["hours-updated"];
      table.after(note);
      table.setAttribute("aria-describedby", note.id);
    }
  }

  // -- at once: the first free time, whatever the reason (the API being up is what makes the widget live) --------

  (async () => {
    const answer = await api.get(`/next-available?ids=${encodeURIComponent(practitioner)}&hours=true`);
    if (answer.error) {
      show(choice, false);
      show($("[data-unavailable]"), true);
      section.classList.add("booking--unavailable");
      return;
    }
    // The widget is drawn over the plain lists, in the same box, and shown in their place in one frame: nothing
    // below moves. Once the patient starts choosing, the lists leave the box (a change the patient caused).
    section.classList.add("booking--live");
    root.addEventListener("change", () => section.classList.add("booking--started"), { once: true });
    preselect();
    liveHours(answer.data.results[0]?.hours);
    const slot = answer.data.results[0]?.slot;
    const zone = sites.find((s) => s.id === slot?.site)?.timeZone || sites[0]?.timeZone || "UTC";
    if (!first.textContent) {
      first.textContent = slot ? format(msg.first, { when: new Clock(lang, zone, msg).when(slot.start) }) : msg["first-none"];
    }
    show(first, steps.details.hidden && steps.code.hidden && steps.done.hidden);
  })();
}
