// The "manage my appointment" page, reached from the confirmation e-mail's link /<lang>/appointment/#id=...&token=...
// The fragment never reaches a server: this script reads it and sends the token in the Authorization header to
// the same origin only. The patient sees the appointment, cancels it (after a confirmation step) or moves it to
// another free time of the same reason and place, chooses its reminders (e-mail, text once the number is proven),
// and after a cancellation books again. A reminder's links add &action=cancel ("I can't come": the cancel question
// opens, nothing changes until the patient answers it) or &action=reminders. A waiting-list offer's link is
// #id=...&offer=...: the time held for the patient, to accept in one step or to let go.
import { Api, Clock, MoveBox, errorText, fillDetails, format, messages, show } from "./booking-core.js";

const root = document.querySelector("[data-manage]");
if (root) start();

function start() {
  const msg = messages(document);
  const lang = root.dataset.lang || document.documentElement.lang;
  const api = new Api(root.dataset.api || msg.api);
  const $ = (selector) => root.querySelector(selector);
  const views = Object.fromEntries([...root.querySelectorAll("[data-view]")].map((el) => [el.dataset.view, el]));
  const status = $("[data-status]");
  const alert = $("[data-alert]");
  const cancelBox = $("[data-box=cancel]");
  const moveBox = $("[data-box=move]");
  const moveConfirm = $("[data-move-confirm]");
  const params = new URLSearchParams(location.hash.slice(1));
  const id = params.get("id") || "";
  let token = params.get("token") || "";
  const offer = params.get("offer") || "";
  const action = params.get("action") || "";
  const state = { appointment: null, busy: false, reminders: null };
  const mover = new MoveBox(moveBox, moveConfirm, { api, msg, lang });
  const remindersBox = $("[data-reminders]");
  const remindersForm = $("[data-reminders-form]");
  const again = $("[data-again]");

  // Another link opened in this tab (a new fragment, the same page): read it as a fresh visit.
  window.addEventListener("hashchange", () => location.reload());

  // The language switcher keeps the fragment, so the other language's page opens the same appointment.
  for (const link of document.querySelectorAll(".site-header__languages a[hreflang]")) {
    if (location.hash) link.href = link.href.split("#")[0] + location.hash;
  }

  function view(name) {
    for (const [key, element] of Object.entries(views)) show(element, key === name);
  }

  function say(text, isAlert = false) {
    status.textContent = isAlert ? "" : text;
    alert.textContent = isAlert ? text : "";
  }

  function clock() {
    return new Clock(lang, state.appointment.timezone, msg);
  }

  function render(appointment) {
    state.appointment = appointment;
    show($("[data-offer-state]"), false);
    show($("[data-offer-box]"), false);
    show($("[data-state]"), true);
    fillDetails(views.appointment, appointment, clock(), msg);
    const live = appointment.status === "confirmed" && new Date(appointment.start) > new Date();
    show($("[data-actions]"), live);
    show(cancelBox, false);
    show(moveBox, false);
    $("[data-state]").textContent =
      appointment.status === "cancelled" ? msg["m-cancelled"] : live ? msg["m-confirmed"] : msg["m-past"];
    $("[data-state]").className = `appointment-state appointment-state--${appointment.status}`;
    $("[data-kept]").textContent = appointment.kept_until
      ? format(msg["kept-until"], { date: clock().date(appointment.kept_until) })
      : "";
    view("appointment");
    show(remindersBox, live);
    if (live) loadReminders();
    show(again, appointment.status === "cancelled");
    if (appointment.status === "cancelled") bookAgain(appointment);
  }

  function problem(answer) {
    if (answer.status === 0 || answer.status >= 500) return say(msg.unavailable, true);
    if (answer.error.code === "not_found") return view("not-found");
    return say(errorText(msg, answer.error, "m-"), true);
  }

  async function load() {
    const answer = await api.get(`/appointments/${encodeURIComponent(id)}`, { token });
    if (answer.error) {
      problem(answer);
      return null;
    }
    render(answer.data);
    return answer.data;
  }

  // -- cancel ----------------------------------------------------------------------------------------------------

  $("[data-action=cancel]").addEventListener("click", async () => {
    say("");
    // What the page shows may be old (another tab, the practice): look again before asking.
    const current = await load();
    if (!current) return;
    if (current.status === "cancelled") {
      say(msg["m-already-cancelled"], true);
      $("[data-state]").focus();
      return;
    }
    cancelBox.querySelector("[data-question]").textContent = format(msg["m-cancel-question"], {
      when: clock().when(current.start),
    });
    show($("[data-actions]"), false);
    show(cancelBox, true);
    cancelBox.querySelector("h2").focus();
  });

  cancelBox.querySelector("[data-no]").addEventListener("click", () => {
    render(state.appointment);
    $("[data-action=cancel]").focus();
  });

  cancelBox.querySelector("[data-yes]").addEventListener("click", async () => {
    if (state.busy) return;
    state.busy = true;
    say(msg.sending);
    const answer = await api.post(`/appointments/${encodeURIComponent(id)}/cancel`, {}, { token });
    state.busy = false;
    if (answer.error) {
      problem(answer);
      return;
    }
    render(answer.data);
    say(msg["m-cancel-done"]);
    $("[data-state]").focus();
  });

  // -- move ------------------------------------------------------------------------------------------------------

  $("[data-action=move]").addEventListener("click", async () => {
    say("");
    show($("[data-actions]"), false);
    await mover.open(state.appointment);
  });

  moveBox.querySelector("[data-close]").addEventListener("click", () => {
    render(state.appointment);
    $("[data-action=move]").focus();
  });

  moveConfirm.querySelector("[data-yes]").addEventListener("click", async () => {
    if (state.busy || !mover.target) return;
    state.busy = true;
    say(msg.sending);
    const target = mover.target;
    const answer = await api.post(`/appointments/${encodeURIComponent(id)}/move`, { start: target.start }, { token });
    state.busy = false;
    if (answer.status === 200) {
      render(answer.data);
      say(format(msg["m-moved"], { when: clock().when(answer.data.start) }));
      $("[data-state]").focus();
      return;
    }
    if (answer.error?.code === "slot_taken" || answer.error?.field === "start") {
      say(msg["slot-taken"], true);
      await mover.taken(target);
      return;
    }
    problem(answer);
  });

  // -- reminders -------------------------------------------------------------------------------------------------

  const remindersPath = () => `/appointments/${encodeURIComponent(id)}/reminders`;

  function showReminders(data) {
    state.reminders = data;
    const times = data.planned.map((p) => clock().when(p.at)).join(" ; ");
    $("[data-reminders-planned]").textContent = times
      ? format(msg["m-reminders-planned"], { times })
      : msg["m-reminders-none"];
    remindersForm.elements.email.checked = data.email;
    show($("[data-sms-choice]"), data.phone_proven && data.sms_possible);
    $("[data-sms-label]").textContent = format(msg["m-sms-label"], { phone: data.phone || "" });
    remindersForm.elements.sms.checked = data.sms;
    const proof = $("[data-sms-proof]");
    show(proof, data.sms_possible && !data.phone_proven);
    $("[data-sms-proof-text]").textContent = format(msg["m-sms-prove"], { phone: data.phone || "" });
  }

  async function loadReminders() {
    const answer = await api.get(remindersPath(), { token });
    if (answer.status === 200) showReminders(answer.data);
    else show(remindersBox, false);
    if (action === "reminders" && answer.status === 200) remindersBox.querySelector("h2").focus();
  }

  remindersForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.busy) return;
    state.busy = true;
    const body = { email: remindersForm.elements.email.checked, sms: remindersForm.elements.sms.checked };
    const answer = await api.call("PUT", remindersPath(), { body, token });
    state.busy = false;
    if (answer.status === 200) {
      showReminders(answer.data);
      $("[data-reminders-status]").textContent = msg["m-reminders-saved"];
    } else problem(answer);
  });

  $("[data-sms-send]").addEventListener("click", async () => {
    if (state.busy) return;
    state.busy = true;
    const answer = await api.post(`${remindersPath()}/sms-code`, {}, { token });
    state.busy = false;
    const text = $("[data-sms-proof-text]");
    if (answer.status === 202) {
      text.textContent = format(msg["m-sms-sent"], { phone: state.reminders?.phone || "" });
      show($("[data-sms-code-form]"), true);
      $("#rem-code").focus();
    } else {
      text.textContent = answer.error?.code === "too_many_attempts" ? msg["too-many-codes"] : msg["m-sms-failed"];
    }
  });

  $("[data-sms-code-form]").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const code = form.elements.code.value.replace(/\s/g, "");
    const error = form.querySelector("[data-error-for=code]");
    if (!/^\d{6}$/.test(code)) {
      error.textContent = msg["code-invalid"];
      form.elements.code.setAttribute("aria-invalid", "true");
      form.elements.code.focus();
      return;
    }
    const answer = await api.post(`${remindersPath()}/sms-proof`, { code }, { token });
    if (answer.status === 200) {
      error.textContent = "";
      form.elements.code.removeAttribute("aria-invalid");
      showReminders(answer.data);
      $("[data-reminders-status]").textContent = msg["m-sms-proven"];
      return;
    }
    const left = answer.error?.attempts_left;
    error.textContent = answer.error?.code === "wrong_code" ? format(msg["wrong-code"], { left }) : msg["code-invalid"];
    form.elements.code.setAttribute("aria-invalid", "true");
    form.elements.code.focus();
  });

  // -- book again ------------------------------------------------------------------------------------------------

  async function bookAgain(appointment) {
    const page = `/${lang}/professionals/${encodeURIComponent(appointment.practitioner)}/`;
    const query = new URLSearchParams({ reason: appointment.reason, site: appointment.site });
    $("[data-again-link]").href = `${page}?${query}#booking`;
    const slots = new URLSearchParams({ reason: appointment.reason, site: appointment.site, days: "31" });
    if (appointment.patient?.kind) slots.set("patient", "existing");
    const answer = await api.get(`/practitioners/${encodeURIComponent(appointment.practitioner)}/slots?${slots}`);
    const times = answer.status === 200 ? answer.data.slots.slice(0, 3) : [];
    $("[data-again-text]").textContent = times.length
      ? format(msg["m-again"], { practitioner: appointment.practitioner_name })
      : msg["m-again-none"];
    const items = times.map((slot) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.className = "slot";
      link.href = `${page}?${query}#booking`;
      link.textContent = clock().when(slot.start);
      item.append(link);
      return item;
    });
    $("[data-again-times]").replaceChildren(...items);
  }

  // -- a waiting-list offer --------------------------------------------------------------------------------------

  function offerSay(text) {
    $("[data-offer-state]").textContent = text;
  }

  async function openOffer() {
    const answer = await api.get(`/offers/${encodeURIComponent(id)}`, { token: offer });
    if (answer.error) {
      if (answer.error.code === "not_found") {
        view("missing");
        say(msg["m-offer-missing"], true);
      } else problem(answer);
      return;
    }
    const held = answer.data.appointment;
    state.appointment = held;
    if (held.status === "confirmed") {
      render(held);
      say(msg["m-offer-accepted"]);
      return;
    }
    // the time held for this patient: its details, and the two answers instead of the appointment's actions
    fillDetails(views.appointment, held, clock(), msg);
    show(views.appointment.querySelector("[data-ics]"), false); // not in a calendar until it is accepted
    for (const part of ["[data-state]", "[data-actions]", "[data-reminders]", "[data-again]"]) show($(part), false);
    $("[data-kept]").textContent = ""; // kept as an appointment's details are once accepted, not before
    show($("[data-offer-state]"), true);
    show($("[data-offer-box]"), true);
    const live = new Date(answer.data.held_until) > new Date();
    offerSay(live ? format(msg["m-offer-held"], { time: clock().time(answer.data.held_until) }) : msg["m-offer-gone"]);
    show($("[data-offer-actions]"), live);
    show($("[data-offer-note]"), live);
    view("appointment");
    $("[data-offer-state]").focus();
  }

  async function answerOffer(choice) {
    if (state.busy) return;
    state.busy = true;
    say(msg.sending);
    const answer = await api.post(`/offers/${encodeURIComponent(id)}/${choice}`, {}, { token: offer });
    state.busy = false;
    say("");
    show($("[data-offer-actions]"), false);
    show($("[data-offer-note]"), false);
    if (answer.status === 200 && choice === "accept") {
      token = answer.data.manage_token;
      history.replaceState(null, "", `#id=${id}&token=${encodeURIComponent(token)}`);
      render(answer.data);
      say(msg["m-offer-accepted"]);
      $("[data-state]").focus();
      return;
    }
    if (answer.status === 200) offerSay(msg["m-offer-declined"]);
    else if (answer.error?.code === "hold_expired") offerSay(msg["m-offer-gone"]);
    else if (answer.error?.code === "already_confirmed") await openOffer();
    else problem(answer);
    $("[data-offer-state]").focus();
  }

  for (const button of root.querySelectorAll("[data-offer]")) {
    button.addEventListener("click", () => answerOffer(button.dataset.offer));
  }

  // -- open ------------------------------------------------------------------------------------------------------

  if (/^[0-9a-f]{20}$/.test(id) && offer && !token) {
    say(msg["m-loading"]);
    openOffer().then(() => {
      if (!alert.textContent) status.textContent = "";
    });
    return;
  }
  if (!/^[0-9a-f]{20}$/.test(id) || !token) {
    say("");
    view("missing");
    return;
  }
  say(msg["m-loading"]);
  load().then((appointment) => {
    if (!appointment) return;
    say("");
    // "I can't come" in a reminder: the cancel question opens; nothing changes until it is answered
    if (action === "cancel" && !$("[data-actions]").hidden) $("[data-action=cancel]").click();
  });
}
