// The agenda's time grid: one column per day (or per agenda, side by side), the day's openings in white over grey,
// and on them the appointments, blocks, absences and free times at their times, coloured by visit reason, with their
// status in words and patterns too. For screen readers it is an ARIA grid: a row per start time, a column per day,
// each cell holding what starts then. For the keyboard it is one tab stop (a roving tabindex): the arrow keys move
// to the next time of the day or to the nearest time of the next day, Home and End to the day's first and last,
// Enter or Space opens an appointment or takes a phone booking on a free time.
// Positions are set through the CSSOM (element.style), which the Content-Security-Policy allows; no style attribute
// is written.

import { el, format } from "./pro-core.js";

// Who booked for the patient (a parent for a child...): shown apart from the patient.
function bookedBy(booker, msg) {
  const name = `${booker.given_name} ${booker.family_name}`;
  return format(msg["booked-by"], { name, relation: msg[`relation-${booker.relation}`] || booker.relation });
}

const AXIS = "3.5rem";
const PALETTE = 8; // tg-r0 ... tg-r7 in pro.css
const DAY = 1440;

// Minutes since the local midnight of `day` (YYYY-MM-DD) on `clock`, an instant of another date clipped to the day.
export function minutesOf(clock, instant, day) {
  const key = clock.dateKey(instant);
  if (key < day) return 0;
  if (key > day) return DAY;
  const [hours, minutes] = clock.time(instant).split(":").map(Number);
  return hours * 60 + minutes;
}

function hhmm(minutes) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}`;
}

// The reason's colour class: by the reason's place in the agenda's list, the same in the grid and its legend.
export function reasonClass(reasons, id) {
  const index = reasons.findIndex((reason) => reason.id === id);
  return index < 0 ? "tg-rx" : `tg-r${index % PALETTE}`;
}

// One column of the grid: a day of one agenda's answer, as the grid draws it.
export function column(answer, day, clock, { heading, freeReason, msg, lang }) {
  const within = (start, end) => clock.dateKey(start) <= day && (clock.dateKey(end) > day || clock.dateKey(end) === day);
  const span = (start, end) => {
    const from = minutesOf(clock, start, day);
    const to = clock.dateKey(end) > day ? DAY : minutesOf(clock, end, day);
    return { from, to: Math.max(to, from + 5) };
  };
  const reasons = answer.visit_reasons;
  const label = (id) => {
    const reason = reasons.find((r) => r.id === id);
    return reason ? reason.label[lang] || reason.label.fr : id || "";
  };
  const items = [];
  for (const appointment of answer.appointments) {
    if (clock.dateKey(appointment.start) !== day) continue;
    items.push({ kind: "appointment", ...span(appointment.start, appointment.end), appointment, reasonLabel: appointment.reason_label || label(appointment.reason) });
  }
  for (const absence of answer.absences) {
    if (within(absence.start, absence.end) && !(clock.dateKey(absence.end) === day && minutesOf(clock, absence.end, day) === 0)) {
      items.push({ kind: "absence", ...span(absence.start, absence.end) });
    }
  }
  // Another agenda side by side may not have the reason chosen: its own first reason with free times, then, named
  // in its heading.
  const own = freeReason in answer.free_times ? freeReason : reasons.map((r) => r.id).find((id) => answer.free_times[id]?.length);
  for (const slot of answer.free_times[own] || []) {
    if (clock.dateKey(slot.start) !== day) continue;
    items.push({ kind: "free", ...span(slot.start, slot.end), slot, reason: own, reasonLabel: label(own) });
  }
  const openings = answer.openings
    .filter((period) => clock.dateKey(period.start) === day)
    .map((period) => span(period.start, period.end));
  const holiday = answer.holidays.find((h) => h.date === day);
  const summary = openings.length
    ? format(msg.open, { periods: openings.map((o) => `${hhmm(o.from)}–${hhmm(o.to)}`).join(", ") })
    : msg.closed;
  return {
    key: `${answer.practitioner}/${day}`,
    practitioner: answer.practitioner,
    day,
    heading,
    summary,
    holiday: holiday ? format(msg.holiday, { name: holiday.name[lang] || holiday.name.fr }) : "",
    freeFor: own && own !== freeReason ? format(msg["free-for"], { reason: label(own) }) : "",
    openings,
    items,
    reasons,
  };
}

// Side by side within a column: items that overlap share its width, each in its own lane.
function lanes(items) {
  const sorted = [...items].sort((a, b) => a.from - b.from || b.to - a.to);
  let cluster = [];
  let clusterEnd = -1;
  const close = () => {
    const count = Math.max(...cluster.map((item) => item.lane)) + 1;
    for (const item of cluster) item.lanes = count;
  };
  for (const item of sorted) {
    if (cluster.length && item.from >= clusterEnd) {
      close();
      cluster = [];
    }
    const busy = new Set(cluster.filter((other) => other.to > item.from).map((other) => other.lane));
    item.lane = 0;
    while (busy.has(item.lane)) item.lane += 1;
    cluster.push(item);
    clusterEnd = Math.max(clusterEnd, item.to);
  }
  if (cluster.length) close();
  return sorted;
}

const at = (minutes) => `calc(var(--minute) * ${minutes})`;
const across = (index, count) => `calc(${AXIS} + (100% - ${AXIS}) * ${index} / ${count})`;
const wide = (count) => `calc((100% - ${AXIS}) / ${count})`;

export class TimeGrid {
  // `onFree(column, item)` when a free time is chosen; `href(appointment)` the page of an appointment.
  constructor(element, msg, { onFree, href }) {
    this.grid = element;
    this.msg = msg;
    this.onFree = onFree;
    this.href = href;
    this.columns = [];
    this.grid.addEventListener("keydown", (event) => this.key(event));
    this.grid.addEventListener("click", (event) => {
      const free = event.target.closest("[data-free]");
      if (free) this.choose(free);
    });
    this.grid.addEventListener("focusin", (event) => {
      const item = event.target.closest("[data-item]");
      if (item) this.rove(item);
    });
  }

  // The hours the grid spans: those of the openings and of what is shown, whole hours, 08:00-18:00 if nothing.
  static range(columns) {
    let first = DAY;
    let last = 0;
    for (const c of columns) {
      for (const span of [...c.openings, ...c.items.filter((i) => i.kind !== "absence")]) {
        first = Math.min(first, span.from);
        last = Math.max(last, span.to);
      }
    }
    if (first >= last) return { first: 8 * 60, last: 18 * 60 };
    return { first: Math.floor(first / 60) * 60, last: Math.min(DAY, Math.ceil(last / 60) * 60) };
  }

  render(columns) {
    const focused = this.grid.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    this.columns = columns;
    const { first, last } = TimeGrid.range(columns);
    const count = columns.length;
    this.grid.classList.toggle("tgrid--many", count > 1);
    this.grid.style.setProperty("--columns", String(count));

    const head = el("div", { role: "row", class: "tgrid__head", "aria-rowindex": "1" });
    head.style.gridTemplateColumns = `${AXIS} repeat(${count}, minmax(0, 1fr))`;
    head.append(el("div", { role: "columnheader", "aria-colindex": "1", class: "tgrid__corner" }, el("span", { class: "visually-hidden", text: this.msg.time })));
    columns.forEach((c, i) => {
      head.append(
        el(
          "div",
          { role: "columnheader", "aria-colindex": String(i + 2), class: `tgrid__colhead${c.holiday ? " tgrid__colhead--holiday" : ""}` },
          el("span", { class: "tgrid__day", text: c.heading }),
          el("span", { class: "tgrid__hours", text: c.summary }),
          c.freeFor ? el("span", { class: "tgrid__hours", text: c.freeFor }) : null,
          c.holiday ? el("span", { class: "tag tag--holiday", text: c.holiday }) : null,
        ),
      );
    });

    const body = el("div", { class: "tgrid__body" });
    body.style.height = at(last - first);
    const axis = el("div", { class: "tgrid__axis", "aria-hidden": "true" });
    for (let hour = first; hour < last; hour += 60) {
      const mark = el("span", { text: hhmm(hour) });
      mark.style.top = at(hour - first);
      axis.append(mark);
    }
    body.append(axis);
    columns.forEach((c, i) => {
      const back = el("div", { class: `tgrid__col${c.holiday ? " tgrid__col--holiday" : ""}`, "aria-hidden": "true" });
      back.style.left = across(i, count);
      back.style.width = wide(count);
      for (const open of c.openings) {
        const band = el("div", { class: "tgrid__open" });
        band.style.top = at(Math.max(open.from, first) - first);
        band.style.height = at(Math.min(open.to, last) - Math.max(open.from, first));
        back.append(band);
      }
      body.append(back);
    });

    // Rows: one per start time shown, in time order; cells: what starts then in each column.
    const starts = new Map();
    columns.forEach((c, i) => {
      for (const item of lanes(c.items)) {
        const from = Math.max(item.from, first);
        if (!starts.has(from)) starts.set(from, new Map());
        const row = starts.get(from);
        if (!row.has(i)) row.set(i, []);
        row.get(i).push(item);
      }
    });
    const times = [...starts.keys()].sort((a, b) => a - b);
    this.byColumn = columns.map(() => []);
    times.forEach((time, r) => {
      const row = el("div", { role: "row", class: "tgrid__row", "aria-rowindex": String(r + 2) });
      row.style.top = at(time - first);
      row.append(el("div", { role: "rowheader", "aria-colindex": "1", class: "visually-hidden", text: hhmm(time) }));
      for (const [i, items] of [...starts.get(time).entries()].sort((a, b) => a[0] - b[0])) {
        const cell = el("div", { role: "gridcell", "aria-colindex": String(i + 2), class: "tgrid__cell" });
        cell.style.left = across(i, count);
        cell.style.width = wide(count);
        for (const item of items) {
          const node = this.item(columns[i], item, first, last);
          cell.append(node);
          this.byColumn[i].push(node);
        }
        row.append(cell);
      }
      body.append(row);
    });
    for (const list of this.byColumn) list.sort((a, b) => a.dataset.from - b.dataset.from || a.dataset.lane - b.dataset.lane);

    this.grid.setAttribute("aria-rowcount", String(times.length + 1));
    this.grid.setAttribute("aria-colcount", String(count + 1));
    this.grid.replaceChildren(el("div", { role: "rowgroup" }, head), el("div", { role: "rowgroup", class: "tgrid__rows" }, body));
    const all = this.byColumn.flat();
    const again = focused && all.find((node) => node.dataset.key === focused);
    const start = again || all.find((node) => node.dataset.kind === "free") || all[0];
    if (start) {
      this.rove(start);
      if (again) again.focus();
    }
    return all.length;
  }

  item(c, item, first, last) {
    const msg = this.msg;
    const from = Math.max(item.from, first);
    const time = `${hhmm(item.from)}–${hhmm(item.to)}`;
    let node;
    if (item.kind === "free") {
      const text = format(msg["free-label"], { time: hhmm(item.from), reason: item.reasonLabel });
      node = el("button", { type: "button", class: `tg-item tg-item--free ${reasonClass(c.reasons, item.reason)}`, "aria-label": text, "data-free": "" },
        el("span", { class: "tg-item__time", text: hhmm(item.from) }), " ", el("span", { text: msg.free }));
      node.freeTime = { column: c, slot: item.slot, reason: item.reason };
    } else if (item.kind === "absence") {
      node = el("div", { class: "tg-item tg-item--absence" }, el("span", { class: "tg-item__time", text: time }), " ", el("strong", { text: msg.absence }));
    } else {
      const a = item.appointment;
      const status = a.status === "confirmed" && a.no_show ? "missed" : a.status;
      const kind = `tg-item tg-item--${status} ${a.status === "blocked" ? "" : reasonClass(c.reasons, a.reason)}`;
      const parts = [el("span", { class: "tg-item__time", text: time }), " "];
      if (a.status === "blocked") parts.push(el("strong", { text: msg["status-blocked"] }));
      else {
        if (a.patient) parts.push(el("strong", { class: "tg-item__who", text: `${a.patient.given_name} ${a.patient.family_name}` }), " ");
        parts.push(el("span", { class: "tg-item__what", text: item.reasonLabel }));
      }
      const tags = [];
      if (a.status === "cancelled") tags.push(msg["status-cancelled"]);
      if (a.status === "held") tags.push(msg["status-held"]);
      if (a.no_show) tags.push(msg["no-show"]);
      if (a.source === "phone") tags.push(msg["source-phone"]);
      if (a.patient?.kind === "new") tags.push(msg["new-patient"]);
      if (a.booked_by) tags.push(bookedBy(a.booked_by, msg));
      for (const tag of tags) parts.push(" ", el("span", { class: "tg-tag", text: tag }));
      node = a.status === "held" ? el("div", { class: kind }, ...parts) : el("a", { class: kind, href: this.href(a) }, ...parts);
    }
    node.dataset.item = "";
    node.dataset.kind = item.kind;
    node.dataset.from = String(item.from);
    node.dataset.lane = String(item.lane);
    node.dataset.key = `${c.key}/${item.kind}/${item.from}/${item.appointment?.id || ""}`;
    node.tabIndex = -1;
    node.style.height = at(Math.max(5, Math.min(item.to, last) - from));
    node.style.left = `${(100 * item.lane) / item.lanes}%`;
    node.style.width = `${100 / item.lanes}%`;
    return node;
  }

  // -- the keyboard -------------------------------------------------------------------------------------------

  rove(node) {
    for (const other of this.grid.querySelectorAll('[data-item][tabindex="0"]')) other.tabIndex = -1;
    node.tabIndex = 0;
  }

  place(node) {
    for (let c = 0; c < this.byColumn.length; c += 1) {
      const i = this.byColumn[c].indexOf(node);
      if (i >= 0) return { c, i };
    }
    return null;
  }

  // The item of column `c` that starts nearest to `minutes` (the earlier on a tie).
  nearest(c, minutes) {
    let best = null;
    for (const node of this.byColumn[c]) {
      const distance = Math.abs(Number(node.dataset.from) - minutes);
      if (!best || distance < best.distance) best = { node, distance };
    }
    return best?.node;
  }

  target(node, event) {
    const here = this.place(node);
    if (!here) return null;
    const list = this.byColumn[here.c];
    const minutes = Number(node.dataset.from);
    const sideways = (step) => {
      for (let c = here.c + step; c >= 0 && c < this.byColumn.length; c += step) {
        if (this.byColumn[c].length) return this.nearest(c, minutes);
      }
      return null;
    };
    switch (event.key) {
      case "ArrowDown":
        return list[here.i + 1];
      case "ArrowUp":
        return list[here.i - 1];
      case "ArrowRight":
        return sideways(1);
      case "ArrowLeft":
        return sideways(-1);
      case "Home":
        return event.ctrlKey ? this.byColumn.flat()[0] : list[0];
      case "End":
        return event.ctrlKey ? this.byColumn.flat().at(-1) : list.at(-1);
      default:
        return undefined;
    }
  }

  key(event) {
    const node = event.target.closest("[data-item]");
    if (!node) return;
    if (event.key === " " || (event.key === "Enter" && node.dataset.kind === "free")) {
      event.preventDefault();
      node.click();
      return;
    }
    const next = this.target(node, event);
    if (next === undefined) return;
    event.preventDefault();
    if (next) {
      this.rove(next);
      next.focus();
      next.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }

  choose(node) {
    if (node.freeTime) this.onFree(node.freeTime);
  }
}
