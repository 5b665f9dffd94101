// Booking settings of one professional (GET/PUT /api/v1/pro/practitioners/<id>/settings): weekly hours per place,
// visit reasons, absences, booking rules; a preview of the free times before saving (POST .../settings/preview);
// the choice of what happens to appointments a change leaves outside the opening hours; the calendar link.

import { Clock, Page, addDays, allowsSettings, el, format, show, signedIn } from "./pro-core.js";

const root = document.querySelector("[data-pro]");
const page = new Page(root);
const form = root.querySelector("[data-settings]");
const feed = root.querySelector("[data-feed]");
const noSettings = root.querySelector("[data-no-settings]");
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const state = { practitioner: null, version: 0, sites: [], clock: null, serial: 0 };
let account = null;

// -- building the form from the settings, and the settings from the form -----------------------------------------

function clone(name) {
  const fragment = root.querySelector(`template[data-template="${name}"]`).content.cloneNode(true);
  const prefix = `f${(state.serial += 1)}`;
  for (const element of fragment.querySelectorAll("[id], [for]")) {
    for (const attribute of ["id", "for"]) {
      const value = element.getAttribute(attribute);
      if (value) element.setAttribute(attribute, value.replace("__ID__", prefix));
    }
  }
  return fragment.firstElementChild;
}

// A reason's name as the page's reader sees it: in the page's language, else in French (as patients see it).
function reasonIds() {
  return [...form.querySelectorAll("[data-reasons] .reason")].map((fieldset) => ({
    id: fieldset.querySelector("[data-reason-id]").value.trim(),
    label:
      fieldset.querySelector(`[data-reason-label="${page.lang}"]`)?.value.trim() ||
      fieldset.querySelector('[data-reason-label="fr"]').value.trim(),
  }));
}

// The reasons' check boxes of every opening period, after the list of reasons changed (ticks kept by code).
function refreshPeriodReasons() {
  const reasons = reasonIds().filter((r) => r.id);
  for (const box of form.querySelectorAll("[data-period-reasons]")) {
    const ticked = new Set([...box.querySelectorAll("input:checked")].map((input) => input.value));
    const pending = box.dataset.pending ? JSON.parse(box.dataset.pending) : null;
    delete box.dataset.pending;
    for (const label of box.querySelectorAll("label")) label.remove();
    for (const reason of reasons) {
      const checked = pending ? pending.includes(reason.id) : ticked.has(reason.id);
      const input = el("input", { type: "checkbox", value: reason.id, checked });
      box.append(el("label", { class: "check" }, input, ` ${reason.label || reason.id}`));
    }
  }
  const select = root.querySelector("[data-preview-reason]");
  const chosen = select.value;
  const online = [...form.querySelectorAll("[data-reasons] .reason")]
    .filter((fieldset) => fieldset.querySelector('[data-reason-flag="online"]').checked)
    .map((fieldset) => fieldset.querySelector("[data-reason-id]").value.trim());
  select.replaceChildren(...reasons.filter((r) => online.includes(r.id)).map((r) => new Option(r.label || r.id, r.id)));
  if (online.includes(chosen)) select.value = chosen;
}

function renumber() {
  form.querySelectorAll("[data-reasons] .reason").forEach((fieldset, i) => {
    fieldset.querySelector("[data-reason-name]").textContent = format(page.msg.reason, { n: i + 1 });
  });
  form.querySelectorAll("[data-closures] .closure").forEach((fieldset, i) => {
    fieldset.querySelector("[data-closure-name]").textContent = format(page.msg.closure, { n: i + 1 });
  });
  form.querySelectorAll(".site-hours").forEach((site, s) => {
    site.querySelectorAll(".period").forEach((period, i) => {
      period.querySelector("[data-period-name]").textContent = format(page.msg.period, { n: i + 1 });
      period.querySelector("[data-period-start]").dataset.field = `settings.sites.${s}.hours.${i}.start`;
      period.querySelector("[data-period-end]").dataset.field = `settings.sites.${s}.hours.${i}.end`;
      period.querySelector("[data-period-reasons]").dataset.field = `settings.sites.${s}.hours.${i}.reasons`;
      period.querySelector("[data-period-days]").dataset.field = `settings.sites.${s}.hours.${i}.days`;
    });
  });
  form.querySelectorAll("[data-reasons] .reason").forEach((fieldset, i) => {
    fieldset.querySelector("[data-reason-id]").dataset.field = `settings.visit_reasons.${i}.id`;
    for (const input of fieldset.querySelectorAll("[data-reason-label]")) {
      input.dataset.field = `settings.visit_reasons.${i}.label.${input.dataset.reasonLabel}`;
    }
    for (const area of fieldset.querySelectorAll("[data-reason-instructions]")) {
      area.dataset.field = `settings.visit_reasons.${i}.instructions.${area.dataset.reasonInstructions}`;
    }
    fieldset.querySelector("[data-reason-minutes]").dataset.field = `settings.visit_reasons.${i}.duration_minutes`;
    for (const flag of fieldset.querySelectorAll("[data-reason-flag]")) {
      flag.dataset.field = `settings.visit_reasons.${i}.${flag.dataset.reasonFlag}`;
    }
  });
  form.querySelectorAll("[data-closures] .closure").forEach((fieldset, i) => {
    fieldset.querySelector("[data-closure-start]").dataset.field = `settings.closures.${i}.start`;
    fieldset.querySelector("[data-closure-end]").dataset.field = `settings.closures.${i}.end`;
  });
}

function addPeriod(container, hours) {
  const period = clone("period");
  for (const input of period.querySelectorAll("[data-day]")) input.checked = hours.days.includes(input.dataset.day);
  period.querySelector("[data-period-start]").value = hours.start;
  period.querySelector("[data-period-end]").value = hours.end;
  period.querySelector("[data-period-reasons]").dataset.pending = JSON.stringify(hours.reasons);
  container.append(period);
  return period;
}

function addReason(reason) {
  const fieldset = clone("reason");
  const id = fieldset.querySelector("[data-reason-id]");
  id.value = reason.id;
  if (reason.id) id.readOnly = true; // booked appointments name it: a new code is a new reason
  for (const input of fieldset.querySelectorAll("[data-reason-label]")) {
    input.value = reason.label[input.dataset.reasonLabel] || "";
  }
  for (const area of fieldset.querySelectorAll("[data-reason-instructions]")) {
    area.value = reason.instructions?.[area.dataset.reasonInstructions] || "";
  }
  fieldset.querySelector("[data-reason-minutes]").value = reason.duration_minutes;
  for (const flag of fieldset.querySelectorAll("[data-reason-flag]")) flag.checked = Boolean(reason[flag.dataset.reasonFlag]);
  form.querySelector("[data-reasons]").append(fieldset);
  return fieldset;
}

// A duration with its unit: 1440 minutes is shown as 1 day, 120 as 2 hours, 28 days as 4 weeks; the number typed is
// read in the unit chosen beside it.
function unitSelect(input) {
  return form.querySelector(`[data-unit-of="${input.dataset.rule}"]`);
}

function unitOf(input) {
  return Number(unitSelect(input)?.value || 1);
}

function showDuration(input, value) {
  const select = unitSelect(input);
  if (!select) {
    input.value = value;
    return;
  }
  const units = [...select.options].map((option) => Number(option.value)).sort((a, b) => b - a);
  const unit = units.find((size) => value % size === 0 && value >= size) || 1;
  select.value = String(unit);
  input.value = value / unit;
}

// -- what the page checks before it asks, and the words next to a refused field -------------------------------------

const FIELD_WORDS = [
  [/^settings\.closures\.\d+\.start$/, "closure-start"],
  [/^settings\.closures\.\d+\.end$/, "closure-end"],
  [/^settings\.sites\.\d+\.hours\.\d+\.start$/, "period-start"],
  [/^settings\.sites\.\d+\.hours\.\d+\.end$/, "period-end"],
  [/^settings\.sites\.\d+\.hours\.\d+\.days$/, "period-days"],
  [/^settings\.sites\.\d+\.hours\.\d+\.reasons$/, "period-reasons"],
  [/^settings\.visit_reasons\.\d+\.id$/, "reason-id"],
  [/^settings\.visit_reasons\.\d+\.label\./, "reason-label"],
  [/^settings\.visit_reasons\.\d+\.duration_minutes$/, "reason-minutes"],
  [/^settings\.booking_rules\./, "rule"],
];

function explain(field) {
  const found = FIELD_WORDS.find(([pattern]) => pattern.test(field));
  return found ? page.msg[found[1]] : null;
}

// The mistakes the page can see itself, each said next to its field: a period without a day, a reason or an end after
// its start; an absence without a start, or ending before it starts. False if there is one (the first is focused).
function valid() {
  const found = [];
  form.querySelectorAll(".period").forEach((period) => {
    const start = period.querySelector("[data-period-start]");
    const end = period.querySelector("[data-period-end]");
    if (!period.querySelector("[data-day]:checked")) found.push(period.querySelector("[data-period-days]").dataset.field);
    if (!start.value) found.push(start.dataset.field);
    else if (!end.value || end.value <= start.value) found.push(end.dataset.field);
    if (!period.querySelector("[data-period-reasons] input:checked")) found.push(period.querySelector("[data-period-reasons]").dataset.field);
  });
  for (const name of form.querySelectorAll("[data-reasons] [data-reason-label][required]")) {
    if (!name.value.trim()) found.push(name.dataset.field);
  }
  form.querySelectorAll("[data-closures] .closure").forEach((closure) => {
    const start = closure.querySelector("[data-closure-start]");
    const end = closure.querySelector("[data-closure-end]");
    if (!start.value) found.push(start.dataset.field);
    else if (!end.value || end.value <= start.value) found.push(end.dataset.field);
  });
  const fields = found.map((name) => page.note(name, explain(name))).filter(Boolean);
  if (!fields.length) return true;
  page.warn(page.msg["check-field"]);
  (fields[0].matches("fieldset") ? fields[0].querySelector("input") : fields[0]).focus();
  return false;
}

// Settings that contradict each other (the API's warnings): listed above the form and said next to each field.
function showWarnings(warnings) {
  page.unnote("warning");
  const box = form.querySelector("[data-warnings]");
  const labels = Object.fromEntries(reasonIds().map((r) => [r.id, r.label || r.id]));
  const texts = warnings.map((w) => format(page.msg[`warn-${w.code}`], { reason: labels[w.reason] || w.reason }));
  warnings.forEach((w, i) => page.note(w.field, texts[i], "warning"));
  box.querySelector("[data-warnings-list]").replaceChildren(...texts.map((text) => el("li", { text })));
  show(box, warnings.length > 0);
}

// "2027-03-04T00:00:00+01:00" -> "2027-03-04T00:00" on the practice's clock (what a datetime-local input shows).
function local(iso) {
  const { day, time } = state.clock.parts(iso);
  return `${day}T${time}`;
}

function addClosure(closure) {
  const fieldset = clone("closure");
  fieldset.querySelector("[data-closure-start]").value = closure.start ? local(closure.start) : "";
  fieldset.querySelector("[data-closure-end]").value = closure.end ? local(closure.end) : "";
  form.querySelector("[data-closures]").append(fieldset);
  return fieldset;
}

function fill(data) {
  state.version = data.version;
  state.sites = data.sites;
  const settings = data.settings;
  const sites = form.querySelector("[data-sites]");
  sites.replaceChildren();
  form.querySelector("[data-reasons]").replaceChildren();
  form.querySelector("[data-closures]").replaceChildren();
  for (const reason of settings.visit_reasons) addReason(reason);
  for (const site of settings.sites) {
    const fieldset = clone("site");
    fieldset.dataset.site = site.id;
    fieldset.querySelector("[data-site-name]").textContent = data.sites.find((s) => s.id === site.id)?.name || site.id;
    for (const hours of site.hours) addPeriod(fieldset.querySelector("[data-periods]"), hours);
    sites.append(fieldset);
  }
  for (const closure of settings.closures) addClosure(closure);
  for (const input of form.querySelectorAll("[data-rule]")) showDuration(input, settings.booking_rules[input.dataset.rule]);
  refreshPeriodReasons();
  renumber();
  show(form.querySelector("[data-orphans]"), false);
  for (const radio of form.querySelectorAll("[name=orphans]")) radio.checked = false;
  showWarnings(data.warnings || []);
}

// A reason's text in each language of its fields (`key`: the dataset entry naming the language): French and English
// always, even empty (the API names the one missing); another language only when it is written, so that one left
// empty stays missing and its readers see the French.
function texts(fieldset, selector, key) {
  const found = {};
  for (const field of fieldset.querySelectorAll(selector)) {
    const lang = field.dataset[key];
    const value = field.value.trim();
    if (value || lang === "fr" || lang === "en") found[lang] = value;
  }
  return found;
}

function collect() {
  const visitReasons = [...form.querySelectorAll("[data-reasons] .reason")].map((fieldset) => {
    const reason = {
      id: fieldset.querySelector("[data-reason-id]").value.trim(),
      label: texts(fieldset, "[data-reason-label]", "reasonLabel"),
      duration_minutes: Number(fieldset.querySelector("[data-reason-minutes]").value),
    };
    for (const flag of fieldset.querySelectorAll("[data-reason-flag]")) reason[flag.dataset.reasonFlag] = flag.checked;
    if (!reason.at_home) delete reason.at_home; // written only for a home visit, as in the data files
    const instructions = texts(fieldset, "[data-reason-instructions]", "reasonInstructions");
    if (Object.values(instructions).some(Boolean)) reason.instructions = instructions;
    return reason;
  });
  const sites = [...form.querySelectorAll(".site-hours")].map((site) => ({
    id: site.dataset.site,
    hours: [...site.querySelectorAll(".period")].map((period) => ({
      days: DAYS.filter((day) => period.querySelector(`[data-day="${day}"]`).checked),
      start: period.querySelector("[data-period-start]").value,
      end: period.querySelector("[data-period-end]").value,
      reasons: [...period.querySelectorAll("[data-period-reasons] input:checked")].map((input) => input.value),
    })),
  }));
  const closures = [...form.querySelectorAll("[data-closures] .closure")].map((fieldset) => ({
    start: fieldset.querySelector("[data-closure-start]").value,
    end: fieldset.querySelector("[data-closure-end]").value,
  }));
  const rules = {};
  for (const input of form.querySelectorAll("[data-rule]")) rules[input.dataset.rule] = Number(input.value) * unitOf(input);
  return { visit_reasons: visitReasons, sites, closures, booking_rules: rules };
}

// -- preview, orphans and saving -----------------------------------------------------------------------------------

// The appointments a change would leave outside the openings, with the choice of what happens to them; or, after a
// save (`saved`), those it left there, without the choice.
function showOrphans(orphans, saved = false) {
  const box = form.querySelector("[data-orphans]");
  show(box, orphans.length > 0);
  if (!orphans.length) return;
  const title = page.msg[saved ? "orphans-saved" : "orphans"];
  box.querySelector("[data-orphans-title]").textContent = format(title, { count: orphans.length });
  show(box.querySelector("[data-orphans-choice]"), !saved);
  const list = box.querySelector("[data-orphans-list]");
  list.replaceChildren(
    ...orphans.map((orphan) => {
      const when = format(page.msg.when, { date: state.clock.date(orphan.start), time: state.clock.time(orphan.start) });
      const href = `${root.dataset.appointment}#id=${orphan.id}`;
      return el("li", {}, `${when} – ${orphan.reason_label || orphan.reason} `, el("a", { href, text: page.msg.details }));
    }),
  );
}

function showPreview(preview) {
  const result = root.querySelector("[data-preview-result]");
  const reason = root.querySelector("[data-preview-reason]").selectedOptions[0]?.textContent || preview.reason;
  const byDay = new Map();
  for (const slot of preview.slots) {
    const day = state.clock.dateKey(slot.start);
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(state.clock.time(slot.start));
  }
  const summary = preview.slots.length
    ? format(page.msg["preview-count"], { days: preview.days, reason, count: preview.slots.length })
    : page.msg["preview-none"];
  const days = [];
  for (let i = 0; i < preview.days; i += 1) {
    const day = addDays(preview.from, i);
    if (!byDay.has(day)) continue;
    days.push(el("h3", { text: state.clock.day(day) }));
    days.push(el("ul", { class: "preview__times" }, ...byDay.get(day).map((time) => el("li", { text: time }))));
  }
  result.replaceChildren(el("p", { class: "preview__summary", text: summary }), ...days);
  showOrphans(preview.orphans);
}

async function preview() {
  page.clear();
  if (!valid()) return;
  const reason = root.querySelector("[data-preview-reason]").value;
  if (!reason) {
    page.warn(page.msg["no-online-reason"]);
    return;
  }
  const days = Number(root.querySelector("[data-preview-days]").value);
  page.say(page.msg.loading);
  const path = `/pro/practitioners/${state.practitioner.id}/settings/preview`;
  const answer = await account.session.call("POST", path, { settings: collect(), reason, days });
  page.say("");
  if (answer.error) {
    page.warn(page.problem(answer.error, {}, explain));
    return;
  }
  showPreview(answer.data);
  showWarnings(answer.data.warnings);
}

async function save(event) {
  event.preventDefault();
  page.clear();
  if (!valid()) return;
  const choice = form.querySelector("[name=orphans]:checked")?.value;
  const body = { version: state.version, settings: collect() };
  if (choice && !form.querySelector("[data-orphans]").hidden) body.orphans = choice;
  page.say(page.msg.saving);
  const answer = await account.session.call("PUT", `/pro/practitioners/${state.practitioner.id}/settings`, body);
  page.say("");
  if (answer.error?.code === "orphaned_appointments") {
    await preview();
    page.warn(page.msg["orphans-choose"]);
    form.querySelector("[data-orphans-title]").focus();
    return;
  }
  if (answer.error?.field === "version") {
    page.warn(page.msg.stale);
    return;
  }
  if (answer.error) {
    page.warn(page.problem(answer.error, {}, explain));
    return;
  }
  fill(answer.data);
  const { cancelled, kept, orphans } = answer.data;
  if (cancelled.length) page.say(format(page.msg["saved-cancelled"], { count: cancelled.length }));
  if (kept.length && body.orphans === "keep") page.say(format(page.msg["saved-kept"], { count: kept.length }));
  // Booked while the save was written, on times it closes: saved anyway, so say plainly which ones.
  else if (kept.length) page.warn(format(page.msg["saved-meanwhile"], { count: kept.length }));
  else if (!cancelled.length) page.say(page.msg.saved);
  showOrphans(orphans, true);
}

// -- the calendar link ---------------------------------------------------------------------------------------------

function showFeed(status) {
  const text = status.active
    ? format(page.msg["feed-active"], { date: state.clock.date(status.created_at) })
    : page.msg["feed-none"];
  feed.querySelector("[data-feed-status]").textContent = text;
  show(feed.querySelector("[data-feed-revoke]"), status.active);
  show(feed.querySelector("[data-feed-new]"), Boolean(status.url));
  feed.querySelector("[data-feed-url]").value = status.url || "";
  show(feed);
}

async function feedCall(method, done) {
  page.clear();
  const path = `/pro/practitioners/${state.practitioner.id}/feed?lang=${page.lang}`;
  const answer = await account.session.call(method, path);
  if (answer.error) {
    page.warn(page.problem(answer.error));
    return;
  }
  showFeed(answer.data);
  if (done) page.say(done);
  if (answer.data.url) feed.querySelector("[data-feed-url]").select();
}

// -- wiring ----------------------------------------------------------------------------------------------------------

form.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.dataset.add === "period") {
    const online = [...form.querySelectorAll("[data-reasons] .reason")]
      .filter((fieldset) => fieldset.querySelector('[data-reason-flag="online"]').checked)
      .map((fieldset) => fieldset.querySelector("[data-reason-id]").value.trim());
    const period = addPeriod(button.closest(".site-hours").querySelector("[data-periods]"), {
      days: [],
      start: "09:00",
      end: "12:00",
      reasons: online, // every reason patients book online, to untick rather than to find
    });
    refreshPeriodReasons();
    renumber();
    period.querySelector("input").focus();
  } else if (button.dataset.add === "reason") {
    const reason = addReason({
      id: "",
      label: { fr: "", en: "" },
      duration_minutes: 20,
      new_patients: true,
      existing_patients: true,
      online: true,
    });
    renumber();
    reason.querySelector("input").focus();
  } else if (button.dataset.add === "closure") {
    const closure = addClosure({});
    renumber();
    closure.querySelector("input").focus();
  } else if (button.hasAttribute("data-remove")) {
    const section = button.closest(".site-hours, section");
    button.closest("fieldset").remove();
    refreshPeriodReasons();
    renumber();
    section.querySelector("h2, legend")?.closest("section, fieldset")?.querySelector("button")?.focus();
  } else if (button.hasAttribute("data-preview")) {
    preview();
  }
});
form.addEventListener("change", (event) => {
  if (event.target.matches("[data-reason-id], [data-reason-label], [data-reason-flag]")) refreshPeriodReasons();
});
form.addEventListener("submit", save);
feed.querySelector("[data-feed-create]").addEventListener("click", () => feedCall("POST", page.msg["feed-made"]));
feed.querySelector("[data-feed-revoke]").addEventListener("click", () => feedCall("DELETE", page.msg["feed-revoked"]));

async function choose(practitioner) {
  state.practitioner = practitioner;
  // the page's other panels (reminders, waiting list: pro-reminders.js) follow the agenda chosen
  root.dispatchEvent(new CustomEvent("practitioner-chosen", { detail: { practitioner, session: account?.session } }));
  state.clock = new Clock(page.lang, practitioner.timezone, page.msg);
  page.clear();
  // A front desk's grant covers the agenda only: say so instead of asking for settings the API refuses.
  noSettings.hidden = allowsSettings(practitioner);
  if (!allowsSettings(practitioner)) {
    form.hidden = true;
    feed.hidden = true;
    return;
  }
  page.say(page.msg.loading);
  const answer = await account.session.call("GET", `/pro/practitioners/${practitioner.id}/settings`);
  page.say("");
  if (answer.error) {
    page.warn(page.problem(answer.error, {}, explain));
    return;
  }
  fill(answer.data);
  root.querySelector("[data-preview-result]").replaceChildren();
  show(form);
  const status = await account.session.call("GET", `/pro/practitioners/${practitioner.id}/feed`);
  if (!status.error) showFeed(status.data);
}

account = await signedIn(root, page, choose);
if (account?.practitioner) choose(account.practitioner);
