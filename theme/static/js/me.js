// The patient space (/<lang>/me/): sign in with a passkey or an e-mailed code, then my appointments (move, cancel,
// book again), my passkeys, signing out. The session is an HttpOnly cookie the API sets on /api/ only: this script
// never sees it. It keeps the session's CSRF token (from the sign-in's answer or GET /me) in memory and sends it
// with every change. Passkeys use the browser's own WebAuthn API (no third-party script).
import { Api, Clock, MoveBox, errorText, format, markSignedIn, messages, show } from "./booking-core.js";

const root = document.querySelector("[data-me]");
if (root) start();

function start() {
  const msg = { ...messages(document), ...ownMessages() };
  const lang = root.dataset.lang || document.documentElement.lang;
  const api = new Api(root.dataset.api || msg.api);
  const $ = (selector) => root.querySelector(selector);
  const views = Object.fromEntries([...root.querySelectorAll("[data-view]")].map((el) => [el.dataset.view, el]));
  const status = $("[data-status]");
  const alert = $("[data-alert]");
  const emailForm = $("[data-form=email]");
  const codeForm = $("[data-form=code]");
  const cancelBox = $("[data-box=cancel]");
  const moveBox = $("[data-box=move]");
  const moveConfirm = $("[data-move-confirm]");
  const passkeys = typeof PublicKeyCredential !== "undefined" && !!PublicKeyCredential.parseRequestOptionsFromJSON;
  const state = { csrf: "", proofId: "", email: "", busy: false, chosen: null };
  const mover = new MoveBox(moveBox, moveConfirm, { api, msg, lang });

  function ownMessages() {
    const found = {};
    const template = document.querySelector("template[data-me-messages]");
    for (const span of template ? template.content.querySelectorAll("[data-key]") : []) {
      found[span.dataset.key] = span.textContent;
    }
    return found;
  }

  const call = (method, path, body) =>
    api.call(method, `/me${path}`, { body, session: true, csrf: method === "GET" ? "" : state.csrf });

  function view(name) {
    for (const [key, element] of Object.entries(views)) show(element, key === name);
  }

  function say(text, isAlert = false) {
    status.textContent = isAlert ? "" : text;
    alert.textContent = isAlert ? text : "";
  }

  function problem(answer) {
    if (answer.status === 0 || answer.status >= 500) return say(msg.unavailable, true);
    if (answer.status === 401 && state.csrf) {
      signedOut(msg["me-session-ended"], true);
      return null;
    }
    const { code, message } = answer.error;
    if (code === "wrong_code") return say(format(msg["wrong-code"], { left: answer.error.attempts_left }), true);
    return say(msg[`m-${code.replace(/_/g, "-")}`] || msg[code.replace(/_/g, "-")] || message, true);
  }

  // -- signing in --------------------------------------------------------------------------------------------------

  function signedOut(text = "", isAlert = false) {
    state.csrf = "";
    markSignedIn(false);
    view("signed-out");
    show($("[data-passkey-box]"), passkeys);
    show(emailForm, true);
    show(codeForm, false);
    say(text, isAlert);
  }

  async function signedIn(session) {
    state.csrf = session.csrf_token;
    markSignedIn(true);
    $("[data-who]").textContent = format(msg["me-who"], { email: session.account.email });
    const clock = new Clock(lang, Intl.DateTimeFormat().resolvedOptions().timeZone, msg);
    $("[data-session-ends]").textContent = format(msg["me-session-ends"], { time: clock.when(session.ends_at) });
    view("signed-in");
    // A plain link: the browser sends the session cookie with it (same origin) and saves the API's JSON answer.
    $("[data-download]").href = `${root.dataset.api || msg.api}/me/data`;
    for (const name of ["given_name", "family_name", "phone"]) {
      detailsForm.elements[name].value = session.account[name] || "";
    }
    await Promise.all([loadAppointments(), loadRelatives(), loadPasskeys(), loadLooks()]);
  }

  emailForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = emailForm.elements.email.value.trim();
    const error = $("[data-error=email]");
    error.textContent = email ? "" : msg["email-missing"];
    if (!email || state.busy) return emailForm.elements.email.focus();
    state.busy = true;
    say(msg.sending);
    const answer = await api.post("/me/sign-in/code", { email, language: lang }, { session: true });
    state.busy = false;
    if (answer.error) {
      if (answer.error.field === "email") {
        error.textContent = fieldText(msg, answer.error, "email-invalid");
        emailForm.elements.email.focus();
        return say("");
      }
      return problem(answer);
    }
    state.proofId = answer.data.id;
    state.email = email;
    $("[data-code-sent]").textContent = format(msg["me-code-sent"], { email });
    show(emailForm, false);
    show(codeForm, true);
    say("");
    codeForm.elements.code.focus();
  });

  codeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = codeForm.elements.code.value.trim();
    const error = $("[data-error=code]");
    error.textContent = /^[0-9]{6}$/.test(code) ? "" : msg["code-invalid"];
    if (error.textContent || state.busy) return codeForm.elements.code.focus();
    state.busy = true;
    say(msg.sending);
    const body = { email: state.email, code, language: lang };
    const answer = await api.post(`/me/sign-in/code/${state.proofId}`, body, { session: true });
    state.busy = false;
    if (answer.error) {
      if (answer.error.code === "not_found" || answer.error.code === "code_expired") {
        signedOut(msg["m-code-expired"] || errorText(msg, answer.error), true);
        return;
      }
      return problem(answer);
    }
    codeForm.reset();
    say("");
    await signedIn(answer.data);
    $("#upcoming-title").focus();
  });

  $("[data-action=passkey-sign-in]").addEventListener("click", async () => {
    if (state.busy) return;
    state.busy = true;
    say(msg.sending);
    const options = await api.post("/me/sign-in/passkey/options", {}, { session: true });
    if (options.error) {
      state.busy = false;
      return problem(options);
    }
    let credential;
    try {
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options.data.options);
      credential = await navigator.credentials.get({ publicKey });
    } catch {
      state.busy = false;
      return say(msg["me-passkey-failed"], true);
    }
    const body = { challenge_id: options.data.challenge_id, credential: credential.toJSON() };
    const answer = await api.post("/me/sign-in/passkey", body, { session: true });
    state.busy = false;
    if (answer.error) return say(answer.status === 401 ? msg["me-passkey-unknown"] : errorText(msg, answer.error), true);
    say("");
    await signedIn(answer.data);
    $("#upcoming-title").focus();
  });

  // -- my appointments ---------------------------------------------------------------------------------------------

  async function loadAppointments() {
    const answer = await call("GET", "/appointments");
    if (answer.error) return problem(answer);
    state.appointments = answer.data;
    for (const kind of ["upcoming", "past"]) {
      const list = $(`[data-list=${kind}]`);
      list.replaceChildren(...answer.data[kind].map((a) => item(a, kind === "upcoming")));
      show($(`[data-empty=${kind}]`), answer.data[kind].length === 0);
    }
  }

  function item(appointment, upcoming) {
    const clock = new Clock(lang, appointment.timezone, msg);
    const li = document.createElement("li");
    li.className = "me__item";
    li.dataset.appointment = appointment.id;
    const title = document.createElement("p");
    title.className = "me__when";
    title.textContent = clock.when(appointment.start);
    const who = document.createElement("p");
    const patient = `${appointment.patient.given_name} ${appointment.patient.family_name}`;
    who.textContent = `${appointment.practitioner_name} · ${appointment.reason_label} · ${format(msg["me-for"], {
      name: patient,
    })}`;
    const where = document.createElement("p");
    where.className = "small";
    where.textContent = [appointment.site_name, appointment.address].filter(Boolean).join(", ");
    li.append(title, who, where);
    if (appointment.status === "cancelled") {
      const tag = document.createElement("p");
      tag.className = "appointment-state appointment-state--cancelled";
      tag.textContent = msg["me-cancelled"];
      li.append(tag);
    }
    const actions = document.createElement("div");
    actions.className = "actions";
    const label = `${clock.when(appointment.start)}, ${appointment.practitioner_name}`;
    if (upcoming) {
      actions.append(
        button(msg["me-move"], label, () => openMove(appointment)),
        button(msg["me-cancel"], label, () => openCancel(appointment), "button--danger"),
      );
    }
    const again = document.createElement("a");
    again.className = "button button--secondary";
    again.href = `${root.dataset.bookUrl}${encodeURIComponent(appointment.practitioner)}/?reason=${encodeURIComponent(
      appointment.reason,
    )}#booking`;
    again.textContent = msg["me-book-again"];
    again.setAttribute("aria-label", `${msg["me-book-again"]}: ${appointment.practitioner_name}`);
    actions.append(again);
    li.append(actions);
    return li;
  }

  function button(text, label, onClick, extra = "button--secondary") {
    const element = document.createElement("button");
    element.type = "button";
    element.className = `button ${extra}`;
    element.textContent = text;
    element.setAttribute("aria-label", `${text}: ${label}`);
    element.addEventListener("click", onClick);
    return element;
  }

  function openCancel(appointment) {
    state.chosen = appointment;
    show(moveBox, false);
    const clock = new Clock(lang, appointment.timezone, msg);
    cancelBox.querySelector("[data-question]").textContent = format(msg["m-cancel-question"], {
      when: clock.when(appointment.start),
    });
    show(cancelBox, true);
    cancelBox.querySelector("h2").focus();
  }

  cancelBox.querySelector("[data-no]").addEventListener("click", () => {
    show(cancelBox, false);
    $("#upcoming-title").focus();
  });

  cancelBox.querySelector("[data-yes]").addEventListener("click", async () => {
    if (state.busy || !state.chosen) return;
    state.busy = true;
    say(msg.sending);
    const answer = await call("POST", `/appointments/${state.chosen.id}/cancel`, {});
    state.busy = false;
    if (answer.error) return problem(answer);
    show(cancelBox, false);
    await loadAppointments();
    say(msg["m-cancel-done"]);
    $("#upcoming-title").focus();
  });

  async function openMove(appointment) {
    state.chosen = appointment;
    show(cancelBox, false);
    await mover.open(appointment);
  }

  moveBox.querySelector("[data-close]").addEventListener("click", () => {
    show(moveBox, false);
    $("#upcoming-title").focus();
  });

  moveConfirm.querySelector("[data-yes]").addEventListener("click", async () => {
    if (state.busy || !mover.target) return;
    state.busy = true;
    say(msg.sending);
    const target = mover.target;
    const answer = await call("POST", `/appointments/${state.chosen.id}/move`, { start: target.start });
    state.busy = false;
    if (answer.status === 200) {
      show(moveBox, false);
      await loadAppointments();
      const clock = new Clock(lang, answer.data.timezone, msg);
      say(format(msg["m-moved"], { when: clock.when(answer.data.start) }));
      $("#upcoming-title").focus();
      return;
    }
    if (answer.error?.code === "slot_taken" || answer.error?.field === "start") {
      say(msg["slot-taken"], true);
      await mover.taken(target);
      return;
    }
    problem(answer);
  });

  // -- my details ----------------------------------------------------------------------------------------------------

  const detailsForm = $("[data-form=details]");

  detailsForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.busy) return;
    const body = { language: lang };
    for (const name of ["given_name", "family_name", "phone"]) body[name] = detailsForm.elements[name].value.trim() || null;
    state.busy = true;
    const answer = await call("PUT", "/details", body);
    state.busy = false;
    const error = detailsForm.querySelector("[data-error=phone]");
    error.textContent = answer.error?.field === "phone" ? msg["phone-invalid"] : "";
    if (answer.error) return answer.error.field === "phone" ? detailsForm.elements.phone.focus() : problem(answer);
    say(msg["me-details-saved"]);
  });

  // A new address: a code to it first, then the change.
  const emailChange = $("[data-form=new-email]");
  emailChange.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.busy) return;
    const email = emailChange.elements.email.value.trim();
    const codeBox = emailChange.querySelector("[data-new-email-code]");
    const emailError = emailChange.querySelector("[data-error=new-email]");
    const codeError = emailChange.querySelector("[data-error=new-email-code]");
    state.busy = true;
    if (codeBox.hidden) {
      const sent = await call("POST", "/email", { email, language: lang });
      state.busy = false;
      emailError.textContent = sent.error?.field === "email" ? fieldText(msg, sent.error, "email-invalid") : "";
      if (sent.error) return sent.error.field === "email" ? emailChange.elements.email.focus() : problem(sent);
      state.newEmail = { id: sent.data.id, email };
      show(codeBox, true);
      say(format(msg["me-code-sent"], { email }));
      return emailChange.elements.code.focus();
    }
    const code = emailChange.elements.code.value.trim();
    const answer = await call("POST", `/email/${state.newEmail.id}`, { email: state.newEmail.email, code });
    state.busy = false;
    if (answer.error?.code === "wrong_code") {
      codeError.textContent = format(msg["wrong-code"], { left: answer.error.attempts_left });
      return emailChange.elements.code.focus();
    }
    if (answer.error) return problem(answer);
    codeError.textContent = "";
    emailChange.reset();
    show(codeBox, false);
    $("[data-who]").textContent = format(msg["me-who"], { email: answer.data.email });
    say(format(msg["me-email-changed"], { email: answer.data.email }));
  });

  // -- the people I book for ---------------------------------------------------------------------------------------

  const relativeForm = $("[data-form=relative]");

  async function loadRelatives() {
    const answer = await call("GET", "/relatives");
    if (answer.error) return problem(answer);
    const list = $("[data-list=relatives]");
    const dates = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" });
    list.replaceChildren(
      ...answer.data.relatives.map((relative) => {
        const li = document.createElement("li");
        li.className = "me__item";
        const name = `${relative.given_name} ${relative.family_name}`;
        const born = format(msg["me-born"], { date: dates.format(new Date(`${relative.birth_date}T12:00:00Z`)) });
        const text = document.createElement("p");
        text.textContent = `${name}, ${born}`;
        const remove = button(msg["me-remove-relative"], name, () => removeRelative(relative.id, name));
        li.append(text, remove);
        return li;
      }),
    );
    show($("[data-empty=relatives]"), answer.data.relatives.length === 0);
  }

  async function removeRelative(id, name) {
    const answer = await call("DELETE", `/relatives/${encodeURIComponent(id)}`);
    if (answer.error) return problem(answer);
    await loadRelatives();
    say(format(msg["me-relative-removed"], { name }));
    $("#relatives-title").focus();
  }

  relativeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    let wrong = null;
    for (const name of ["given_name", "family_name", "birth_date"]) {
      body[name] = relativeForm.elements[name].value.trim();
      const error = relativeForm.querySelector(`[data-error=${name}]`);
      error.textContent = body[name] ? "" : msg["me-required"];
      relativeForm.elements[name].setAttribute("aria-invalid", String(!body[name]));
      wrong ??= body[name] ? null : name;
    }
    body.relation = relativeForm.elements.relation.value;
    if (wrong) return relativeForm.elements[wrong].focus();
    if (state.busy) return;
    state.busy = true;
    const answer = await call("POST", "/relatives", body);
    state.busy = false;
    if (answer.error) {
      const field = answer.error.field;
      if (field && relativeForm.elements[field]) {
        const text = field === "birth_date" ? msg["me-birth-invalid"] : errorText(msg, answer.error);
        relativeForm.querySelector(`[data-error=${field}]`).textContent = text;
        return relativeForm.elements[field].focus();
      }
      return problem(answer);
    }
    relativeForm.reset();
    await loadRelatives();
    say(format(msg["me-relative-added"], { name: `${answer.data.given_name} ${answer.data.family_name}` }));
    $("#relatives-title").focus();
  });

  // -- my passkeys -------------------------------------------------------------------------------------------------

  async function loadPasskeys() {
    show($("[data-passkey-add]"), passkeys);
    show($("[data-passkey-unsupported]"), !passkeys);
    const answer = await call("GET", "/passkeys");
    if (answer.error) return problem(answer);
    const clock = new Clock(lang, Intl.DateTimeFormat().resolvedOptions().timeZone, msg);
    const list = $("[data-list=passkeys]");
    list.replaceChildren(
      ...answer.data.passkeys.map((key) => {
        const li = document.createElement("li");
        li.className = "me__item";
        const name = document.createElement("p");
        name.textContent = key.last_used_at
          ? `${key.name} (${format(msg["me-passkey-used"], { date: clock.date(key.last_used_at) })})`
          : key.name;
        const remove = button(msg["me-remove-short"], "", () => removePasskey(key.id));
        remove.setAttribute("aria-label", format(msg["me-remove"], { name: key.name }));
        li.append(name, remove);
        return li;
      }),
    );
    show($("[data-empty=passkeys]"), answer.data.passkeys.length === 0);
  }

  async function removePasskey(id) {
    const answer = await call("DELETE", `/passkeys/${encodeURIComponent(id)}`);
    if (answer.error) return problem(answer);
    await loadPasskeys();
    say(msg["me-passkey-removed"]);
    $("#passkeys-title").focus();
  }

  $("[data-action=add-passkey]").addEventListener("click", async () => {
    if (state.busy) return;
    state.busy = true;
    say(msg.sending);
    const options = await call("POST", "/passkeys/options", {});
    if (options.error) {
      state.busy = false;
      return problem(options);
    }
    let credential;
    try {
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options.data.options);
      credential = await navigator.credentials.create({ publicKey });
    } catch {
      state.busy = false;
      return say(msg["me-passkey-failed"], true);
    }
    const clock = new Clock(lang, Intl.DateTimeFormat().resolvedOptions().timeZone, msg);
    const name = format(msg["me-passkey-name"], { date: clock.date(new Date().toISOString()) });
    const body = { challenge_id: options.data.challenge_id, credential: credential.toJSON(), name };
    const answer = await call("POST", "/passkeys", body);
    state.busy = false;
    if (answer.error) return problem(answer);
    await loadPasskeys();
    say(msg["me-passkey-added"]);
  });

  // -- who looked at my details, my data ----------------------------------------------------------------------------

  async function loadLooks() {
    const answer = await call("GET", "/looks");
    if (answer.error) return problem(answer);
    const table = $("[data-looks]");
    const rows = answer.data.looks.map((look) => {
      const row = document.createElement("tr");
      const clock = new Clock(lang, Intl.DateTimeFormat().resolvedOptions().timeZone, msg);
      for (const text of [
        clock.when(look.at),
        look.practice,
        msg[`role-${look.role}`] || look.role,
        msg[`look-${look.action}`] || look.action,
      ]) {
        row.insertCell().textContent = text;
      }
      return row;
    });
    table.tBodies[0].replaceChildren(...rows);
    show(table, rows.length > 0);
    show($("[data-empty=looks]"), rows.length === 0);
  }

  const deleteBox = $("[data-box=delete]");

  $("[data-action=delete]").addEventListener("click", () => {
    show(deleteBox, true);
    deleteBox.querySelector("h3").focus();
  });

  deleteBox.querySelector("[data-no]").addEventListener("click", () => {
    show(deleteBox, false);
    $("#data-title").focus();
  });

  deleteBox.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.busy) return;
    const error = deleteBox.querySelector("[data-error=delete]");
    const email = deleteBox.elements.email.value.trim();
    state.busy = true;
    const answer = await call("POST", "/delete", { email });
    state.busy = false;
    if (answer.error?.field === "email") {
      error.textContent = msg["me-delete-mismatch"];
      return deleteBox.elements.email.focus();
    }
    if (answer.error) return problem(answer);
    error.textContent = "";
    deleteBox.reset();
    show(deleteBox, false);
    signedOut(format(msg["me-deleted"], { count: answer.data.cancelled.length }));
    $("#sign-in-title").focus();
  });

  // -- signing out -------------------------------------------------------------------------------------------------

  for (const [action, done] of [
    ["sign-out", "me-signed-out"],
    ["sign-out-everywhere", "me-signed-out-everywhere"],
  ]) {
    $(`[data-action=${action}]`).addEventListener("click", async () => {
      const answer = await call("POST", `/${action}`, {});
      if (answer.error && answer.status !== 401) return problem(answer);
      signedOut(msg[done]);
      $("#sign-in-title").focus();
    });
  }

  // -- open --------------------------------------------------------------------------------------------------------

  say(msg["me-loading"]);
  call("GET", "").then(async (answer) => {
    if (answer.status === 200) {
      say("");
      await signedIn(answer.data);
    } else if (answer.status === 401) {
      signedOut();
    } else {
      problem(answer);
    }
  });
}

// A field's problem in the page's words: its own words when the value is invalid, else those of the error's code.
function fieldText(msg, error, invalidKey) {
  return (error.code === "invalid_input" && msg[invalidKey]) || errorText(msg, error);
}
