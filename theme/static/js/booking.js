// The booking widget on a professional's page: new or existing patient, visit reason and place; the first free
// time at once and the free times by week; the patient's details; the e-mailed code; the confirmation with a
// calendar file and the manage link. When the network's share of holds awaiting a code is used up, the patient
// confirms the e-mail address first (a code, no time held), and books with that proof; a proof this tab earned
// earlier (a code typed for a previous booking, or to join a waiting list) books with no code at all. The waiting
// list when no time suits: its own e-mailed code, or none with the proof this tab keeps (and its code earns one).
// A link with ?reason=...&site=... (the "book again" links) opens with that reason and place chosen; one with
// &start=... too (the slot feed's booking links: docs/open-data.md) opens on that time, which the API checks again
// when it is held, like any other. The markup (and every text) is the booking-widget component's <template>;
// the static lists of reasons and places in the section are its data. The phone number and opening hours stay on
// the page whatever happens here (with JavaScript off or the API down, they are how to book).
import {
  Api,
  Clock,
  SlotPicker,
  addDays,
  errorText,
  fillDetails,
  format,
  keepProof,
  messages,
  newKey,
  savedProof,
  show,
  signedInHere,
} from "./booking-core.js";

// The API's published rule (EMAIL_PATTERN in functions/chalicelib/core/schemas.py); the API has the last word.
const EMAIL = /^[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+)*@([^@\s.,;:<>()[\]\\"]+\.)+[^@\s.,;:<>()[\]\\"]+$/;
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
  const proveSend = $("form[data-prove-send]");
  const proveCode = $("form[data-prove-code]");
  const state = { kind: null, reason: null, site: null, slot: null, hold: null, pending: null, busy: false, prove: null, first: null };
  state.linked = linkedTime(reasons, sites);

  state.session = null; // a signed-in patient's session: {csrf, account}, and the people they book for

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
    // The linked time, once, if the patient kept its reason and place: its week, then the details at once.
    const linked = state.linked?.reason === state.reason && state.linked?.site === state.site ? state.linked : null;
    state.linked = null;
    show($("[data-linked]"), false);
    const selection = { reason: state.reason, site: state.site, patient: state.kind, timeZone: site().timeZone };
    const found = await picker.select(selection, linked ? clock().dateKey(linked.start) : null);
    if (found !== undefined) {
      setFirst(found ? format(msg["first-reason"], { when: clock().when(found.start) }) : msg["first-none"], found);
      // right under the choices, and on the screen: on a phone the week's times are far below
      choice.after(first);
      const box = first.getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) first.scrollIntoView({ block: "nearest" });
    }
    if (!linked || found === undefined) return;
    const slot = picker.slots.find((s) => Date.parse(s.start) === linked.start);
    if (slot) {
      chooseSlot(slot);
    } else {
      $("[data-slot-alert]").textContent = msg["linked-gone"];
      show($("[data-slot-alert]"), true);
      steps.slots.querySelector("h3").focus();
    }
  }

  // The first free time, one tap from booking: once a reason is chosen the line chooses that time; before, it
  // leads to the first question (the reason decides which times are free).
  function setFirst(text, slot = null, lead = false) {
    state.first = slot;
    if (!slot && !lead) first.textContent = text;
    else {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "bw__first-button";
      button.textContent = text;
      first.replaceChildren(button);
    }
    show(first, Boolean(text) && !steps.slots.hidden);
  }

  first.addEventListener("click", (event) => {
    if (!event.target.closest("button")) return;
    if (state.first) chooseSlot(state.first);
    else {
      const question = $("#bw-kind-existing");
      question.scrollIntoView({ block: "center" });
      question.focus();
    }
  });

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

  function chosenText() {
    const reason = reasons.find((r) => r.id === state.reason);
    return `${clock().when(state.slot.start)} – ${reason?.label || ""} – ${site()?.label || ""}`;
  }

  function chooseSlot(slot) {
    state.slot = slot;
    $("[data-chosen]").textContent = chosenText();
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

  function detailProblems() {
    const value = (name) => details.elements[name].value.trim();
    return {
      given_name: !value("given_name") ? msg["given-name-missing"] : value("given_name").length > NAME_MAX ? msg["too-long"] : "",
      family_name: !value("family_name")
        ? msg["family-name-missing"]
        : value("family_name").length > NAME_MAX
          ? msg["too-long"]
          : "",
      email: !value("email") ? msg["email-missing"] : EMAIL.test(value("email")) ? "" : msg["email-invalid"],
      phone: !value("phone") || PHONE.test(value("phone")) ? "" : msg["phone-invalid"],
    };
  }

  function checkDetails() {
    const problems = detailProblems();
    for (const name of FIELDS) {
      const error = details.querySelector(`[data-error-for="${name}"]`);
      error.style.minHeight = "";
      delete error.dataset.kept;
      fieldError(details, name, problems[name]);
    }
    const wrong = FIELDS.find((name) => problems[name]);
    if (wrong) details.elements[wrong].focus();
    return !wrong;
  }

  // Blur checks a field that had a message once it is left, so the message sits next to it before the form is
  // sent. The message's space stays until the form is sent: leaving the field is also what a tap on "Send me the
  // code" does first, and a message going away there lifted the button from under the finger, so that the tap
  // was lost (it landed below the button) and the patient had to tap again.
  for (const name of FIELDS) {
    details.elements[name].addEventListener("blur", () => {
      if (details.elements[name].getAttribute("aria-invalid") !== "true") return;
      const error = details.querySelector(`[data-error-for="${name}"]`);
      const height = error.getBoundingClientRect().height;
      fieldError(details, name, detailProblems()[name]);
      error.style.minHeight = `${height}px`;
      error.dataset.kept = "";
    });
  }

  // -- a signed-in patient (the patient space) ------------------------------------------------------------------

  // Only a browser that signed in to the patient space asks (me.js leaves a mark, never the session itself): the
  // session cookie is HttpOnly and goes to the API only with this call and the booking's.
  async function loadSession() {
    if (!signedInHere()) return;
    const me = await api.get("/me", { session: true });
    if (me.status !== 200) return;
    const relatives = await api.get("/me/relatives", { session: true });
    state.session = { csrf: me.data.csrf_token, account: me.data.account };
    const account = me.data.account;
    for (const name of FIELDS) {
      const value = name === "email" ? account.email : account[name];
      if (value && !details.elements[name].value) details.elements[name].value = value;
    }
    details.querySelector("button[type=submit]").textContent = msg["book-signed-in"];
    const note = $("[data-signed-in]");
    note.textContent = format(msg["signed-in-as"], { email: account.email });
    show(note, true);
    const people = relatives.status === 200 ? relatives.data.relatives : [];
    if (people.length) {
      const box = $("[data-for-whom]");
      box.querySelector("[data-options]").replaceChildren(
        radio("bw-for", "me", msg["for-me"], true),
        ...people.map((r) => radio("bw-for", r.id, `${r.given_name} ${r.family_name}`, false)),
      );
      show(box, true);
    }
  }

  function forWhom() {
    const chosen = details.querySelector("input[name=bw-for]:checked")?.value;
    return chosen && chosen !== "me" ? chosen : null;
  }

  function sessionOptions() {
    return state.session ? { session: true, csrf: state.session.csrf } : {};
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
    await sendHold(details);
  });

  // Hold the chosen time (with this tab's e-mail proof, if it has one); `form` is where a problem is said.
  async function sendHold(form) {
    const body = {
      practitioner,
      site: state.slot.site,
      reason: state.reason,
      start: state.slot.start,
      patient: patient(),
      language: lang,
    };
    if (forWhom()) body.relative = forWhom();
    const text = JSON.stringify(body);
    // A retry of the same request (after a network failure) sends the same Idempotency-Key: never two holds.
    if (state.pending?.text !== text) state.pending = { text, key: newKey() };
    formError(form, msg.sending);
    state.busy = true;
    const options = { key: state.pending.key, proof: savedProof(), ...sessionOptions() };
    const answer = await api.post("/appointments", body, options);
    state.busy = false;
    formError(form, "");
    if (answer.status === 201) {
      state.pending = null;
      state.hold = answer.data;
      if (answer.data.proven) await confirmWithProof(form);
      else showCode();
      return;
    }
    if (answer.status === 0 || answer.status >= 500) {
      formError(form, msg.unavailable);
      return;
    }
    const { code, field } = answer.error;
    if (code === "proof_required") {
      // Nothing was held or written: the same request goes again, with the same key, once the address is proven.
      showProve(field === "patient.email" ? "prove-email" : "prove-network");
      return;
    }
    state.pending = null;
    if (code === "slot_taken") {
      slotTaken(msg["slot-taken"]);
    } else if (field === "start") {
      slotTaken(msg["slot-gone"]);
    } else if (code === "invalid_input" && field?.startsWith("patient.")) {
      step("details");
      const name = field.slice("patient.".length);
      const texts = { email: msg["email-invalid"], phone: msg["phone-invalid"] };
      fieldError(details, name, texts[name] || msg["invalid-input"]);
      details.elements[name]?.focus();
    } else if (code === "too_many_holds" && !field) {
      formError(form, msg["too-many-holds-network"]);
    } else {
      formError(form, errorText(msg, answer.error));
    }
  }

  // A hold made with this tab's proof needs no code: it is confirmed with the same proof at once.
  async function confirmWithProof(form) {
    formError(form, msg.booking);
    state.busy = true;
    const answer = await api.post(`/appointments/${state.hold.id}/confirm`, {}, {
      proof: savedProof(),
      ...sessionOptions(),
    });
    state.busy = false;
    formError(form, "");
    if (answer.status === 200) {
      done(answer.data, true);
    } else if (answer.error.code === "invalid_input") {
      // The proof lapsed in between: the hold is still ours; a code confirms it, as for any hold.
      const sent = await api.post(`/appointments/${state.hold.id}/code`, {});
      if (sent.status === 202) showCode();
      else formError(form, msg.unavailable);
    } else {
      showCode();
      codeProblem(answer);
    }
  }

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
    if (answer.status === 200) {
      keepProof(answer.data.email_proof); // the next booking from this tab needs no code
      done(answer.data);
    } else {
      codeProblem(answer);
    }
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

  // -- first, the e-mail address (no time is held meanwhile) ---------------------------------------------------------

  function showProve(reason) {
    state.prove = null;
    $("[data-prove-chosen]").textContent = chosenText();
    $("[data-prove-why]").textContent = msg[reason];
    $("[data-prove-to]").textContent = format(msg["prove-to"], { email: patient().email });
    formError(proveSend, "");
    show(proveSend, true);
    show(proveCode, false);
    step("prove");
  }

  async function askProofCode() {
    if (state.busy) return;
    formError(proveSend, msg.sending);
    formError(proveCode, "");
    state.busy = true;
    const answer = await api.post("/email-proofs", { email: patient().email, language: lang });
    state.busy = false;
    formError(proveSend, "");
    if (answer.status === 202) {
      state.prove = answer.data;
      proveCode.reset();
      fieldError(proveCode, "code", "");
      $("[data-prove-status]").textContent = "";
      $("[data-prove-sent]").textContent = format(msg["prove-sent"], { email: patient().email });
      show(proveSend, false);
      show(proveCode, true);
      proveCode.elements.code.focus();
      return;
    }
    const where = proveCode.hidden ? proveSend : proveCode;
    if (answer.status === 0 || answer.status >= 500) formError(where, msg.unavailable);
    else formError(where, errorText(msg, answer.error));
  }

  proveSend.addEventListener("submit", (event) => {
    event.preventDefault();
    askProofCode();
  });
  $("[data-prove-again]").addEventListener("click", askProofCode);
  $("[data-prove-back]").addEventListener("click", () => step("slots"));

  proveCode.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.busy) return;
    const code = proveCode.elements.code.value.replace(/\s/g, "");
    if (!fieldError(proveCode, "code", /^\d{6}$/.test(code) ? "" : msg["code-invalid"])) {
      proveCode.elements.code.focus();
      return;
    }
    formError(proveCode, "");
    $("[data-prove-status]").textContent = msg.confirming;
    state.busy = true;
    const answer = await api.post(`/email-proofs/${state.prove.id}/confirm`, { code });
    state.busy = false;
    $("[data-prove-status]").textContent = "";
    if (answer.status === 200) {
      keepProof(answer.data);
      await sendHold(proveCode); // the time chosen, now as a proven client
      return;
    }
    const { code: problem, attempts_left: left, message } = answer.error;
    if (answer.status === 0 || answer.status >= 500) {
      formError(proveCode, msg.unavailable);
    } else if (problem === "wrong_code") {
      fieldError(proveCode, "code", Number.isInteger(left) ? format(msg["wrong-code"], { left }) : message);
      proveCode.elements.code.select();
      proveCode.elements.code.focus();
    } else if (problem === "invalid_input") {
      fieldError(proveCode, "code", msg["code-invalid"]);
    } else if (["too_many_attempts", "code_expired", "not_found"].includes(problem)) {
      formError(proveCode, msg["prove-expired"]);
      $("[data-prove-again]").focus();
    } else {
      formError(proveCode, msg[problem.replace(/_/g, "-")] || message || msg.unavailable);
    }
  });

  // -- confirmed -------------------------------------------------------------------------------------------------

  function done(appointment, proven = false) {
    const manage = `${template.dataset.manageUrl}#id=${appointment.id}&token=${encodeURIComponent(appointment.manage_token)}`;
    const appointmentClock = new Clock(lang, appointment.timezone, msg);
    fillDetails(steps.done, appointment, appointmentClock, msg);
    $("[data-manage-link]").href = manage;
    $("[data-done-email]").textContent = format(msg["done-email"], { email: appointment.patient.email });
    show($("[data-done-proven]"), proven);
    $("[data-done-kept]").textContent = appointment.kept_until
      ? format(msg["kept-until"], { date: appointmentClock.date(appointment.kept_until) })
      : "";
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
    const answer = await api.post("/waitlist", body, { proof: savedProof() });
    state.busy = false;
    formError(waitForm, "");
    waitState.email = person.email;
    waitState.before = body.before;
    if (answer.status === 201) {
      // this tab's e-mail proof covered the address: on the list at once, no code
      show(waitForm, false);
      waitDone();
      return;
    }
    if (answer.status === 202) {
      waitState.request = answer.data.id;
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

  function waitDone() {
    const done = $("[data-wait-done]");
    const date = clock().dayOf(waitState.before);
    done.textContent = format(msg["wait-done"], { date, email: waitState.email });
    show(done, true);
    done.focus();
  }

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
      keepProof(answer.data.email_proof); // the next booking or request from this tab needs no code
      show(waitCode, false);
      waitDone();
      return;
    }
    const { code: problemCode, attempts_left: left } = answer.error;
    if (problemCode === "wrong_code") fieldError(waitCode, "code", format(msg["wrong-code"], { left }));
    else if (problemCode === "too_many_holds") formError(waitCode, msg["wait-too-many"]);
    else formError(waitCode, errorText(msg, answer.error));
    waitCode.elements.code.focus();
  });

  // -- a link that chose the reason and place (book again), or a time too (the slot feed) --------------------------

  // Once the API has answered (the widget is then live and can take the focus): a chosen time first, else the
  // reason and place alone.
  function fromLink() {
    if (state.linked) openLinkedTime();
    else preselect();
  }

  // The question the reason leaves open is asked first (a reason for new patients only answers it); then the week
  // of the time opens, and the details at once if the time is still free.
  function openLinkedTime() {
    const reason = reasons.find((r) => r.id === state.linked.reason);
    state.reason = reason.id;
    state.site = state.linked.site;
    const kind = reason.new && reason.existing ? null : reason.new ? "new" : "existing";
    const place = sites.find((s) => s.id === state.site);
    const when = new Clock(lang, place.timeZone, msg).when(state.linked.start);
    $("[data-linked]").textContent = format(msg.linked, { when, reason: reason.label });
    section.scrollIntoView();
    if (kind) {
      state.kind = kind;
      choice.querySelector(`input[name="bw-kind"][value="${kind}"]`).checked = true;
      renderReasons();
    } else {
      show($("[data-linked]"), true);
      $("[data-linked]").focus();
    }
  }

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
        // each period whole on its line, as the build writes them ("14:00– / 18:00" split on a phone otherwise)
        const cell = row.insertCell();
        text.split(", ").forEach((period, i) => {
          const span = document.createElement("span");
          span.className = "hours__span";
          span.textContent = period;
          cell.append(...(i ? [", ", span] : [span]));
        });
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

  loadSession();

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
    fromLink();
    liveHours(answer.data.results[0]?.hours);
    const slot = answer.data.results[0]?.slot;
    const zone = sites.find((s) => s.id === slot?.site)?.timeZone || sites[0]?.timeZone || "UTC";
    if (!first.textContent) {
      const text = slot ? format(msg.first, { when: new Clock(lang, zone, msg).when(slot.start) }) : msg["first-none"];
      setFirst(text, null, Boolean(slot));
    }
    const opened = !steps.details.hidden || !steps.code.hidden || !steps.prove.hidden || !steps.done.hidden;
    show(first, !opened && $("[data-linked]").hidden);
  })();
}

// The time a link chose, if its reason and place are this page's and its start is an instant with its offset:
// {reason, site, start (epoch milliseconds)}; null otherwise (the widget then starts as usual).
function linkedTime(reasons, sites) {
  const params = new URLSearchParams(window.location.search);
  const start = params.get("start") || "";
  const reason = reasons.find((r) => r.id === params.get("reason"));
  const place = sites.find((s) => s.id === params.get("site"));
  const instant = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(start) ? Date.parse(start) : NaN;
  if (!reason || !place || !place.reasons.includes(reason.id) || Number.isNaN(instant)) return null;
  return { reason: reason.id, site: place.id, start: instant };
}
