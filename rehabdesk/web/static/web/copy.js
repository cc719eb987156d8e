// A "Copy" button beside a read-only field: <button data-copy="field-id" hidden>.
// Shown only where the clipboard can be written; without it the field is there to
// select and copy by hand. A static file: the Content-Security-Policy forbids inline
// scripts.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) {
    return;
  }
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copied");
    if (!field) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(field.value).then(
        () => {
          if (status) status.textContent = "Copied.";
        },
        () => {
          field.select();
          if (status) status.textContent = "Select the address and copy it.";
        },
      );
    });
  }
});
