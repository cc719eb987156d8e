// The copy button of a token shown once (/staff/api-tokens/): a static file, as the
// Content-Security-Policy allows no inline script. Without script, the text is
// selectable by hand.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      const status = button.parentElement.querySelector(".copy-status");
      if (!field) return;
      field.focus();
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = button.dataset.copied || "Copied";
      } catch (error) {
        // No clipboard (an insecure origin, or refused): the text is selected to copy.
        if (status) status.textContent = "Selected: copy it with your device's copy command.";
      }
    });
  }
});
