// Keyboard shortcuts for the schedules: every link with data-key is followed when its key
// is pressed, unless the person is typing in a field or holding a modifier. The links
// work on their own; this only saves reaching for them.
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
  const target = event.target;
  if (target instanceof HTMLElement && target.closest("input, select, textarea, [contenteditable]")) return;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  // On the schedule's own scroll region, ← and → scroll it sideways (a narrow screen).
  if ((key === "ArrowLeft" || key === "ArrowRight") && target instanceof HTMLElement && target.matches(".schedule")) return;
  const link = document.querySelector(`a[data-key="${CSS.escape(key)}"]`);
  if (link) {
    event.preventDefault();
    window.location.assign(link.href);
  }
});

// A lane's free times: Tab reaches the first, ↑ and ↓ move between them (one Tab stop per
// lane instead of one per quarter hour).
document.addEventListener("keydown", (event) => {
  if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
  const cell = event.target instanceof HTMLElement ? event.target.closest(".free a") : null;
  if (!cell) return;
  const cells = [...cell.closest(".free-cells").querySelectorAll(".free a")];
  const next = cells[cells.indexOf(cell) + (event.key === "ArrowDown" ? 1 : -1)];
  if (next) {
    event.preventDefault();
    next.focus();
  }
});
