// The settings page's reminder and attendance panels, for the agenda chosen (pro-settings.js announces it):
// reminder times and channels (GET/PUT /api/v1/pro/practitioners/<id>/reminders), and the patients waiting per
// visit reason with the no-show rate of the last 90 days (GET .../insights).

import { Page, allowsSettings, el, format, show } from "./pro-core.js";

const root = document.querySelector("[data-pro]");
const page = new Page(root);
const panel = root.querySelector("[data-reminder-settings]");
const form = panel.querySelector("[data-reminders-form]");
const insights = root.querySelector("[data-insights]");
const state = { practitioner: null, session: null };

function fill(settings) {
  form.elements.day_before.checked = settings.day_before;
  form.elements.day_before_time.value = settings.day_before_time;
  form.elements.hours_before.value = settings.hours_before ? String(settings.hours_before) : "";
  form.elements.sms.checked = settings.sms;
  form.elements.sms.disabled = !settings.texts_available;
  show(panel.querySelector("[data-no-texts]"), !settings.texts_available);
  show(panel);
}

function showInsights(data) {
  const rows = data.waiting.map((entry) =>
    el("tr", {}, el("th", { scope: "row" }, entry.label[page.lang] || entry.reason), el("td", {}, String(entry.waiting))),
  );
  insights.querySelector("[data-waiting]").replaceChildren(...rows);
  const rate = data.no_show;
  const percent = new Intl.NumberFormat(page.lang, { style: "percent", maximumFractionDigits: 1 });
  insights.querySelector("[data-no-show]").textContent = rate.appointments
    ? format(page.msg["no-show-rate"], { missed: rate.missed, count: rate.appointments, rate: percent.format(rate.rate) })
    : page.msg["no-show-none"];
  show(insights);
}

root.addEventListener("practitioner-chosen", async (event) => {
  const { practitioner, session } = event.detail;
  state.practitioner = practitioner;
  state.session = session;
  show(panel, false);
  show(insights, false);
  if (!session || !allowsSettings(practitioner)) return;
  const [settings, found] = await Promise.all([
    session.call("GET", `/pro/practitioners/${practitioner.id}/reminders`),
    session.call("GET", `/pro/practitioners/${practitioner.id}/insights`),
  ]);
  if (state.practitioner !== practitioner) return; // another agenda was chosen meanwhile
  if (!settings.error) fill(settings.data);
  if (!found.error) showInsights(found.data);
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const hours = form.elements.hours_before.value;
  const body = {
    day_before: form.elements.day_before.checked,
    day_before_time: form.elements.day_before_time.value || "18:00",
    hours_before: hours ? Number(hours) : null,
    sms: form.elements.sms.checked,
  };
  page.clear();
  page.say(page.msg.saving);
  const answer = await state.session.call("PUT", `/pro/practitioners/${state.practitioner.id}/reminders`, body);
  page.say("");
  if (answer.error) {
    page.warn(page.problem(answer.error));
    return;
  }
  fill(answer.data);
  page.say(page.msg["reminders-saved"]);
});
