// The note editor (web/templates/web/care/note_edit.html). The page works without this:
// the form posts to the save address. With it, the draft saves itself a second after
// typing stops and when a field is left, every save carrying the revision the page holds;
// a copy stays on this device (localStorage, by note id) until the server has it, and is
// put back on opening the page when it is newer than the server's draft (written on the
// revision the server still has; one written on an older revision is offered instead,
// never put over a draft saved elsewhere). The clinic's snippets
// expand from ";shortcut" + Tab or space; Ctrl/Cmd+S saves now, Ctrl/Cmd+Enter signs.
(() => {
  "use strict";
  const form = document.getElementById("note-form");
  if (!form) return;
  const status = document.getElementById("save-status");
  const key = `rehabdesk:note:${form.dataset.note}`;
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const snippetsData = document.getElementById("note-snippets");
  const snippets = snippetsData ? JSON.parse(snippetsData.textContent) : {};
  let revision = Number(form.dataset.revision);
  let timer = null;
  let saving = null; // the save under way, if any
  let dirty = false;
  let stale = false;

  // The status line: "saved", "saving", "offline" or "refused" (styled), said politely.
  const say = (text, state = "saving") => {
    status.textContent = text;
    status.dataset.state = state;
  };

  // --- The form as a note's content (care/content.py): empty values left out. ---
  const number = (text) => (text.trim() === "" || Number.isNaN(Number(text)) ? text.trim() : Number(text));
  const readers = {
    text: (el) => el.querySelector("textarea").value,
    line: (el) => el.querySelector("input").value.trim(),
    number: (el) => number(el.querySelector("input").value),
    scale: (el) => number(el.querySelector("select").value),
    choice: (el) => el.querySelector("select").value,
    choices: (el) => [...el.querySelectorAll("input:checked")].map((box) => box.value),
    yes_no: (el) => ({ yes: true, no: false })[el.querySelector("input:checked")?.value] ?? "",
    body_chart: (el) => JSON.parse(el.querySelector("[data-marks]").value || "[]"),
    table: (el) => [...el.querySelectorAll("tbody tr")].map((tr) => {
      const row = {};
      tr.querySelectorAll("[data-column]").forEach((cell) => {
        const kind = cell.dataset.columnKind;
        const value = kind === "number" || kind === "scale" ? number(cell.value) : cell.value.trim();
        if (value !== "") row[cell.dataset.column] = value;
      });
      return row;
    }).filter((row) => Object.keys(row).length),
  };
  const content = () => {
    const result = {};
    form.querySelectorAll(".note-field").forEach((el) => {
      const value = readers[el.dataset.kind](el);
      if (value !== "" && !(Array.isArray(value) && !value.length)) result[el.dataset.code] = value;
    });
    return result;
  };

  // --- The copy on this device: the form's inputs as typed, put back as they were. ---
  const inputs = () => [...form.elements].filter((el) => el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "revision");
  const keep = () => {
    const values = {};
    inputs().forEach((el) => {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      (values[el.name] ||= []).push(el.value);
    });
    try {
      localStorage.setItem(key, JSON.stringify({ at: Date.now(), revision, values }));
    } catch (error) { /* storage full or refused: the server copy still saves */ }
  };
  const forget = () => localStorage.removeItem(key);
  const stored = () => {
    try { return JSON.parse(localStorage.getItem(key)); } catch (error) { return null; }
  };
  const putBack = (copy) => {
    form.querySelectorAll(".note-table").forEach((table) => {
      const prefix = `${table.dataset.code}-`;
      const rows = Object.keys(copy.values).filter((name) => name.startsWith(prefix))
        .map((name) => Number(name.slice(prefix.length).split("-")[0]));
      while (table.querySelectorAll("tbody tr").length <= Math.max(-1, ...rows)) addRow(table);
    });
    inputs().forEach((el) => {
      const values = copy.values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.includes(el.value);
      else el.value = values[0] ?? "";
    });
    form.querySelectorAll(".body-chart").forEach(paint);
  };

  // --- Saving. ---
  const save = async () => {
    clearTimeout(timer);
    if (saving) { await saving; if (!dirty) return true; }
    if (stale) return false;
    dirty = false;
    const body = JSON.stringify({ revision, content: content() });
    saving = fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body,
      credentials: "same-origin",
    }).then(async (response) => {
      const answer = await response.json().catch(() => ({}));
      if (response.ok && Number.isInteger(answer.revision)) {
        revision = answer.revision;
        form.elements.revision.value = revision;
        if (!dirty) forget(); else keep();
        say(`Saved ${answer.saved_label}`, "saved");
        markError(null);
        return true;
      }
      dirty = true;
      if (response.ok || response.redirected) {
        // Answered with a page, not a save: the session ended (the sign-in page).
        say("Not saved: you are signed out — sign in again in another tab; what you typed is kept on this device.", "refused");
      } else if (response.status === 409 && answer.error === "stale_draft") {
        stale = true;
        say("Saved meanwhile from another tab or device — reload the page to see it; what you typed here is kept on this device.", "refused");
      } else {
        say(`Not saved: ${answer.message || "the server refused the save"}`, "refused");
        markError(answer.field ? answer : null);
      }
      return false;
    }).catch(() => {
      dirty = true;
      say("Offline — kept on this device, will save when back", "offline");
      return false;
    }).finally(() => { saving = null; });
    return saving;
  };
  const changed = () => {
    dirty = true;
    keep();
    clearTimeout(timer);
    timer = setTimeout(save, 1000);
  };
  const markError = (answer) => {
    form.querySelectorAll("[aria-invalid=true]").forEach((el) => el.removeAttribute("aria-invalid"));
    if (!answer) return;
    // A field of one input is marked; a table or a list of options is named by the status.
    const field = form.querySelector(`.note-field[data-code="${CSS.escape(answer.field)}"]`);
    if (field && ["text", "line", "number", "scale", "choice"].includes(field.dataset.kind)) {
      field.querySelector("input, textarea, select").setAttribute("aria-invalid", "true");
    }
  };

  // The mark picker chooses what a click on the figure places; it is not the note.
  const typed = (event) => { if (!event.target.closest(".mark-picker")) changed(); };
  form.addEventListener("input", typed);
  form.addEventListener("change", typed);
  form.addEventListener("focusout", () => { if (dirty) save(); });
  window.addEventListener("online", () => { if (dirty) save(); });
  window.addEventListener("pagehide", () => { if (dirty) keep(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const toSign = event.submitter?.name === "sign";
    dirty = true;
    if (await save() && toSign) window.location.assign(form.dataset.signUrl);
  });
  // Copy forward and the like: the draft saved first, then the form sent.
  document.querySelectorAll("form[data-save-first]").forEach((other) => {
    other.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!dirty || await save()) {
        forget();
        other.submit();
      }
    });
  });

  // --- Keys: Ctrl/Cmd+S saves now, Ctrl/Cmd+Enter goes to sign; snippets. ---
  document.addEventListener("keydown", async (event) => {
    if (!(event.ctrlKey || event.metaKey)) return;
    if (event.key === "s" || event.key === "S") {
      event.preventDefault();
      dirty = true;
      save();
    } else if (event.key === "Enter") {
      event.preventDefault();
      dirty = true;
      if (await save()) window.location.assign(form.dataset.signUrl);
    }
  });
  form.addEventListener("keydown", (event) => {
    if ((event.key !== "Tab" && event.key !== " ") || event.shiftKey || event.ctrlKey || event.metaKey || event.altKey) return;
    const el = event.target;
    if (!el.matches("[data-snippets]") || el.selectionStart !== el.selectionEnd) return;
    const before = el.value.slice(0, el.selectionStart);
    const match = /(?:^|\s);([a-z0-9_-]+)$/i.exec(before);
    const text = match && snippets[match[1].toLowerCase()];
    if (!text) return;
    event.preventDefault();
    const start = el.selectionStart - match[1].length - 1;
    el.setRangeText(text + (event.key === " " ? " " : ""), start, el.selectionStart, "end");
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // --- Tables: another row, up to the template's most. ---
  function addRow(table) {
    const body = table.querySelector("tbody");
    const rows = body.querySelectorAll("tr");
    if (rows.length >= Number(table.dataset.maxRows)) return null;
    const row = rows[rows.length - 1].cloneNode(true);
    const index = rows.length;
    row.querySelectorAll("[data-column]").forEach((cell) => {
      cell.name = `${table.dataset.code}-${index}-${cell.dataset.column}`;
      cell.value = "";
      cell.setAttribute("aria-label", cell.getAttribute("aria-label").replace(/row \d+$/, `row ${index + 1}`));
    });
    body.append(row);
    return row;
  }
  form.querySelectorAll(".note-table").forEach((table) => {
    const button = table.querySelector(".add-row");
    button.hidden = false;
    button.addEventListener("click", () => addRow(table)?.querySelector("[data-column]")?.focus());
  });

  // --- The body chart: the chosen mark toggled on a region, the marks kept as JSON. ---
  const names = (svg) => Object.fromEntries([...svg.querySelectorAll("[data-region]")].map((r) => [r.dataset.region, r.getAttribute("aria-label")]));
  function paint(chart) {
    const marks = JSON.parse(chart.querySelector("[data-marks]").value || "[]");
    const chosen = chart.querySelector(".mark-picker input:checked")?.value;
    chart.querySelectorAll("[data-region]").forEach((region) => {
      const here = marks.filter((m) => m.region === region.dataset.region).map((m) => m.mark);
      region.setAttribute("class", ["region", ...here.map((mark) => `mark-${mark}`)].join(" "));
      region.setAttribute("aria-pressed", String(here.includes(chosen)));
    });
    const regionNames = names(chart);
    const labels = Object.fromEntries([...chart.querySelectorAll(".mark-picker label")].map((l) => [l.querySelector("input").value, l.textContent.trim()]));
    const words = Object.keys(labels).map((mark) => {
      const where = marks.filter((m) => m.mark === mark).map((m) => regionNames[m.region]);
      return where.length ? `${labels[mark]}: ${where.join(", ")}` : "";
    }).filter(Boolean);
    chart.querySelector(".marks-text").textContent = words.join("; ") || "Nothing marked.";
  }
  form.querySelectorAll(".body-chart").forEach((chart) => {
    chart.querySelectorAll(".mark-picker, .chart-help").forEach((el) => { el.hidden = false; });
    const input = chart.querySelector("[data-marks]");
    const toggle = (region) => {
      const mark = chart.querySelector(".mark-picker input:checked").value;
      const marks = JSON.parse(input.value || "[]");
      const at = marks.findIndex((m) => m.region === region.dataset.region && m.mark === mark);
      if (at >= 0) marks.splice(at, 1); else marks.push({ region: region.dataset.region, mark });
      input.value = JSON.stringify(marks);
      paint(chart);
      changed();
    };
    chart.addEventListener("click", (event) => {
      const region = event.target.closest("[data-region]");
      if (region) toggle(region);
    });
    chart.addEventListener("keydown", (event) => {
      const region = event.target.closest("[data-region]");
      if (region && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        toggle(region);
      }
    });
    chart.querySelector(".mark-picker").addEventListener("change", () => paint(chart));
    paint(chart);
  });

  // On opening: a copy left on this device holds typing the server never acknowledged.
  // Written on the draft as the server still has it, it is simply newer: put back and
  // saved. Written on an older revision (the draft was saved meanwhile elsewhere), the
  // practitioner chooses, rather than one silently replacing the other.
  const copy = stored();
  const serverRevision = revision;
  if (copy && copy.revision === serverRevision) {
    putBack(copy);
    dirty = true;
    say("Put back what you typed on this device; saving…");
    save();
  } else if (copy && copy.revision < serverRevision && copy.at > Number(form.dataset.updated)) {
    const typed = new Date(copy.at).toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit" });
    say(`This device kept typing from ${typed} that the draft saved since does not have.`, "refused");
    const use = document.createElement("button");
    use.type = "button";
    use.className = "secondary";
    use.textContent = "Replace the draft with this device's copy";
    use.addEventListener("click", () => {
      putBack(copy);
      use.remove();
      changed();
    });
    status.after(use);
  } else if (copy) {
    forget();
  }
})();
