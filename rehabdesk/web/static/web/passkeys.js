// Passkeys (WebAuthn): create one, or use one as the second factor. Each button says
// what to do in data- attributes (web/security/_passkey_button.html); the server's
// JSON views are django-otp-webauthn's (web/factor_views.py). A static file, no inline
// script: the pages' Content-Security-Policy allows nothing else.
(function () {
  "use strict";

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  async function post(url, body) {
    var response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {}),
    });
    var data = await response.json().catch(function () { return {}; });
    if (!response.ok) {
      throw new Error(data.detail || "The passkey could not be used. Try again.");
    }
    return data;
  }

  async function register(button) {
    var options = await post(button.dataset.begin);
    var credential = await navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
    });
    var done = await post(
      button.dataset.complete + "?next=" + encodeURIComponent(button.dataset.next || ""),
      credential.toJSON()
    );
    window.location.assign(done.redirect_url || button.dataset.next);
  }

  async function verify(button) {
    var options = await post(button.dataset.begin);
    var credential = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
    });
    var done = await post(
      button.dataset.complete + "?next=" + encodeURIComponent(button.dataset.next || ""),
      credential.toJSON()
    );
    window.location.assign(done.redirect_url || button.dataset.next);
  }

  document.querySelectorAll("[data-passkey]").forEach(function (button) {
    var status = document.getElementById(button.dataset.status);
    function say(text) { if (status) { status.textContent = text; } }
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      say("This browser cannot use passkeys here.");
      return;
    }
    button.hidden = false;
    button.addEventListener("click", async function () {
      button.disabled = true;
      say("Follow your browser's prompt.");
      try {
        await (button.dataset.passkey === "register" ? register(button) : verify(button));
      } catch (error) {
        var cancelled = error && error.name === "NotAllowedError";
        say(cancelled ? "Cancelled, or the passkey was not accepted. Try again." : error.message);
        button.disabled = false;
      }
    });
  });
})();
