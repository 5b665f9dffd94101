// The "manage my appointment" page, reached from the confirmation e-mail's link /<lang>/appointment/#id=...&token=...
// The fragment never reaches a server: this script reads it and sends the token in the Authorization header to
// the same origin only. The patient sees the appointment, cancels it (after a confirmation step) or moves it to
// another free time of the same reason and place.
import { Api, Clock, SlotPicker, fillDetails, format, messages, show } from "./booking-core.js";

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
  const token = params.get("token") || "";
  const state = { appointment: null, target: null, busy: false, picker: null };

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
  }

  function problem(answer) {
    if (answer.status === 0 || answer.status >= 500) return say(msg.unavailable, true);
    const { code, message } = answer.error;
    if (code === "not_found") return view("not-found");
    return say(msg[`m-${code.replace(/_/g, "-")}`] || msg[code.replace(/_/g, "-")] || message, true);
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
    const appointment = state.appointment;
    show($("[data-actions]"), false);
    show(moveConfirm, false);
    show(moveBox, true);
    moveBox.querySelector("h2").focus();
    state.picker ??= new SlotPicker(moveBox.querySelector("[data-slot-picker]"), {
      api,
      practitioner: appointment.practitioner,
      msg,
      lang,
      onChoose: chooseTarget,
    });
    await state.picker.select({
      reason: appointment.reason,
      site: appointment.site,
      patient: appointment.patient.kind,
      timeZone: appointment.timezone,
    });
  });

  function chooseTarget(slot) {
    state.target = slot;
    moveConfirm.querySelector("[data-question]").textContent = format(msg["m-move-question"], {
      old: clock().when(state.appointment.start),
      when: clock().when(slot.start),
    });
    show(moveConfirm, true);
    moveConfirm.querySelector("[data-yes]").focus();
  }

  moveConfirm.querySelector("[data-no]").addEventListener("click", () => {
    show(moveConfirm, false);
    state.target = null;
    moveBox.querySelector("h2").focus();
  });

  moveBox.querySelector("[data-close]").addEventListener("click", () => {
    render(state.appointment);
    $("[data-action=move]").focus();
  });

  moveConfirm.querySelector("[data-yes]").addEventListener("click", async () => {
    if (state.busy || !state.target) return;
    state.busy = true;
    say(msg.sending);
    const target = state.target;
    const answer = await api.post(`/appointments/${encodeURIComponent(id)}/move`, { start: target.start }, { token });
    state.busy = false;
    if (answer.status === 200) {
      render(answer.data);
      say(format(msg["m-moved"], { when: clock().when(answer.data.start) }));
      $("[data-state]").focus();
      return;
    }
    if (answer.error?.code === "slot_taken" || answer.error?.field === "start") {
      show(moveConfirm, false);
      say(msg["slot-taken"], true);
      moveBox.querySelector("h2").focus();
      await state.picker.after(target);
      return;
    }
    problem(answer);
  });

  // -- open ------------------------------------------------------------------------------------------------------

  if (!/^[0-9a-f]{20}$/.test(id) || !token) {
    say("");
    view("missing");
    return;
  }
  say(msg["m-loading"]);
  load().then((appointment) => {
    if (appointment) say("");
  });
}
