// The reports page (contract section 25): calls /reports/capacity and /reports/service-level with
// the token the user pastes, and shows utilization as a heatmap table, every figure by day, and the
// service level against its target. No inline script or style: the page's CSP forbids both.
"use strict";

(() => {
  const form = document.getElementById("report-form");
  const status = document.getElementById("status");
  const field = (name) => form.elements.namedItem(name);
  const DAY_MS = 24 * 3600 * 1000;
  const dayFormat = new Intl.DateTimeFormat("en-GB", {weekday: "short", day: "numeric", month: "short", timeZone: "UTC"});
  const number = new Intl.NumberFormat("en-GB", {maximumFractionDigits: 2});

  function say(text, failed = false) {
    status.textContent = text;
    status.classList.toggle("error", failed);
  }

  function isoDate(moment) {
    return moment.toISOString().slice(0, 10);
  }

  function prefill() {
    const params = new URLSearchParams(location.search);
    for (const kind of ["serviceGroupId", "competenceGroupId", "employeeIds"]) {
      const value = params.getAll(kind).join(",");
      if (value) {
        field("kind").value = kind;
        field("subject").value = value;
      }
    }
    const today = new Date();
    field("from").value = params.get("from") || isoDate(today);
    field("to").value = params.get("to") || isoDate(new Date(today.getTime() + 13 * DAY_MS));
    field("topic").value = params.get("topic") || "";
  }

  function ids() {
    return field("subject").value.split(",").map((part) => part.trim()).filter(Boolean);
  }

  function reportParams() {
    const params = new URLSearchParams();
    for (const id of ids()) {
      params.append(field("kind").value, id);
    }
    params.set("from", field("from").value);
    params.set("to", field("to").value);
    const topic = field("topic").value.trim();
    if (topic) {
      params.set("topic", topic);
    }
    return params;
  }

  // A problem+json answer becomes its detail, and the field messages that add to it.
  async function call(path, params, accept) {
    const response = await fetch(`${path}?${params}`, {
      headers: {Authorization: `Bearer ${field("token").value.trim()}`, Accept: accept},
    });
    if (!response.ok) {
      let message = `The API answered ${response.status}.`;
      try {
        const problem = await response.json();
        const details = [problem.detail || problem.title];
        for (const texts of Object.values(problem.errors || {})) {
          details.push(...texts.filter((text) => !details.includes(text)));
        }
        message = `${message} ${details.filter(Boolean).join(" ")}`;
      } catch {
        // not problem details: the status says enough
      }
      throw new Error(message);
    }
    return accept === "text/csv" ? response.text() : response.json();
  }

  function element(tag, text, className) {
    const made = document.createElement(tag);
    if (text !== undefined) {
      made.textContent = text;
    }
    if (className) {
      made.className = className;
    }
    return made;
  }

  function header(text) {
    const cell = element("th", text);
    cell.scope = "row";
    return cell;
  }

  function dayLabel(date) {
    return dayFormat.format(new Date(`${date}T00:00:00Z`));
  }

  function percent(utilization) {
    return `${Math.floor(utilization * 100 + 1e-9)} %`;
  }

  // Colour is never the only carrier: every cell says its share in text.
  function heatCell(utilization) {
    if (utilization === null) {
      const cell = element("td", undefined, "none");
      const dash = element("span", "–");
      dash.setAttribute("aria-hidden", "true");
      cell.append(dash, element("span", "nothing scheduled", "visually-hidden"));
      return cell;
    }
    return element("td", percent(utilization), `u${Math.min(4, Math.floor(utilization * 5 + 1e-9))}`);
  }

  function renderHeatmap(report) {
    const table = document.getElementById("heatmap");
    const head = element("tr");
    const corner = element("th", "Employee");
    corner.scope = "col";
    head.append(corner);
    for (const day of report.days) {
      const cell = element("th", dayLabel(day.date));
      cell.scope = "col";
      head.append(cell);
    }
    table.tHead.replaceChildren(head);
    const rows = [];
    const all = element("tr", undefined, "total");
    all.append(header("All employees"), ...report.days.map((day) => heatCell(day.utilization)));
    rows.push(all);
    for (const employee of report.employees || []) {
      const row = element("tr");
      row.append(header(employee.name || employee.employeeId), ...employee.days.map((day) => heatCell(day.utilization)));
      rows.push(row);
    }
    table.tBodies[0].replaceChildren(...rows);
  }

  function renderFigures(report) {
    const rows = report.days.map((day) => {
      const row = element("tr");
      row.append(header(dayLabel(day.date)));
      for (const value of [day.scheduledMinutes, day.bookedMinutes, day.bufferMinutes, day.outlookBusyMinutes,
        day.freeMinutes]) {
        row.append(element("td", `${number.format(value)} min`));
      }
      row.append(element("td", day.utilization === null ? "–" : percent(day.utilization)),
        element("td", number.format(day.slots)));
      return row;
    });
    document.querySelector("#figures tbody").replaceChildren(...rows);
  }

  function renderCapacity(report) {
    const hours = Math.round(report.totals.scheduledMinutes / 6) / 10;
    const booked = Math.round(report.totals.bookedMinutes / 6) / 10;
    const share = report.totals.utilization === null ? "nothing scheduled" : `${percent(report.totals.utilization)} booked`;
    document.getElementById("capacity-summary").textContent =
      `${report.employeeIds.length} employees, ${report.days.length} days from ${report.from} to ${report.to} ` +
      `(${report.timeZone}): ${number.format(hours)} hours scheduled, ${number.format(booked)} booked (${share}), ` +
      `${number.format(report.totals.slots)} slots a customer can book.`;
    renderHeatmap(report);
    renderFigures(report);
    document.getElementById("capacity").hidden = false;
  }

  // A .NET TimeSpan ([d.]hh:mm:ss) in words.
  function span(text) {
    const match = /^(-)?(?:(\d+)\.)?(\d+):(\d{2}):(\d{2})/.exec(text || "");
    if (!match) {
      return text || "–";
    }
    const [, sign, days, hours, minutes] = match;
    const parts = [];
    if (Number(days)) parts.push(`${Number(days)} ${Number(days) === 1 ? "day" : "days"}`);
    if (Number(hours)) parts.push(`${Number(hours)} h`);
    if (Number(minutes) || !parts.length) parts.push(`${Number(minutes)} min`);
    return `${sign ? "minus " : ""}${parts.join(" ")}`;
  }

  function renderLevel(report) {
    const section = document.getElementById("service-level");
    if (!report) {
      section.hidden = true;
      return;
    }
    const target = report.serviceLevel;
    const measured = report.measured;
    document.getElementById("sl-target").textContent =
      `${number.format(target.targetPercentage)} % of customer bookings start within ${span(target.maxResponseTime)}.`;
    const result = document.getElementById("sl-measured");
    if (!measured.bookings) {
      result.replaceChildren(`No customer bookings made from ${report.from} to ${report.to}.`);
    } else {
      const verdict = measured.meetsTarget ? element("span", "meets the target", "meets")
        : element("span", "below the target", "below");
      result.replaceChildren(`${number.format(measured.percentage)} % (${measured.withinMaxResponseTime} of ` +
        `${measured.bookings} bookings made from ${report.from} to ${report.to}): `, verdict, ".");
    }
    document.getElementById("sl-median").textContent = span(measured.medianLeadTime);
    document.getElementById("sl-p90").textContent = span(measured.percentile90LeadTime);
    const first = report.firstFreeSlot;
    const when = new Intl.DateTimeFormat("en-GB", {weekday: "short", day: "numeric", month: "short", hour: "2-digit",
      minute: "2-digit", timeZone: report.timeZone});
    document.getElementById("sl-first").textContent = first
      ? `${when.format(new Date(first.startDate))} (${report.timeZone}), in ${span(first.leadTime)}.`
      : "None within the booking horizon.";
    document.getElementById("sl-measured-meter").value = measured.percentage || 0;
    document.getElementById("sl-target-meter").value = target.targetPercentage;
    section.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say("Loading the report…");
    const params = reportParams();
    const capacityParams = new URLSearchParams(params);
    capacityParams.set("groupBy", "Employee");
    const levelWanted = field("kind").value === "serviceGroupId" && ids().length === 1;
    try {
      const [capacity, level] = await Promise.all([
        call("capacity", capacityParams, "application/json"),
        levelWanted ? call("service-level", params, "application/json") : null,
      ]);
      renderCapacity(capacity);
      renderLevel(level);
      say(`The report from ${capacity.from} to ${capacity.to} is shown below.`);
    } catch (error) {
      say(error.message, true);
    }
  });

  document.getElementById("download").addEventListener("click", async () => {
    try {
      const params = reportParams();
      params.set("groupBy", "Employee");
      const text = await call("capacity", params, "text/csv");
      // The byte order mark tells spreadsheet programs that the file is UTF-8 (names hold æ, ø, å).
      const link = element("a");
      link.href = URL.createObjectURL(new Blob(["\ufeff", text], {type: "text/csv;charset=utf-8"}));
      link.download = `capacity-${field("from").value}-${field("to").value}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
      say("The CSV file is downloaded.");
    } catch (error) {
      say(error.message, true);
    }
  });

  prefill();
})();
