/* cephportal contributor pages: small enhancements on top of htmx. Everything works without it;
   this adds a copy of unsaved text in the browser, live word counts, the folder picker and
   clear messages when a save cannot reach the server. */
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Logging in again (in another tab) changes the security token: always send the current one.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (!token) return;
    event.detail.headers["X-CSRFToken"] = token;
    // Django reads the form's token before the header, so replace that one too.
    if (event.detail.verb !== "get" && event.detail.parameters) {
      event.detail.parameters.csrfmiddlewaretoken = token;
    }
  });

  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function updateCount(field) {
    var counter = document.getElementById("wc-" + field.name);
    if (counter) {
      var limit = parseInt(field.dataset.wordLimit, 10);
      var n = countWords(field.value);
      counter.textContent = n + " / " + limit + " words";
      counter.classList.toggle("over", n > limit);
    }
    var seed = field.closest("fieldset.seed");
    var total = seed && seed.querySelector("[data-seed-total]");
    if (total) {
      var sum = 0;
      seed.querySelectorAll("textarea").forEach(function (area) { sum += countWords(area.value); });
      var max = parseInt(total.dataset.wordLimit, 10);
      total.textContent = sum + " / " + max + " words";
      total.classList.toggle("over", sum > max);
    }
  }

  function focusById(id) {
    var element = document.getElementById(id);
    if (!element) return;
    if (!element.matches("input, textarea, select, button, a, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
    element.scrollIntoView({ block: "center" });
  }

  document.addEventListener("cp:focus", function (event) { focusById(event.detail.id); });

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-close-panel]");
    if (close) {
      var panel = document.querySelector(close.dataset.closePanel);
      if (panel) panel.innerHTML = "";
      var opener = document.getElementById("view-yaml");
      if (opener) opener.focus();
    }
  });

  var editor = document.getElementById("editor");
  if (!editor) return;
  var form = document.getElementById("entry-form");
  var key = "cephportal:draft:" + editor.dataset.contribution;
  var dirty = false;
  var edits = 0;
  var SKIP = ["csrfmiddlewaretoken", "draft_version", "action", "op", "force"];

  // What the person typed in the entry (not buttons, searches or the submit panel).
  function snapshot() {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.dataset.autosave === "off") return;
      if (SKIP.indexOf(el.name) >= 0 || /^(submit|button|file)$/.test(el.type)) return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      pairs.push([el.name, el.value]);
    });
    return pairs;
  }

  function keepCopy() {
    try {
      localStorage.setItem(key, JSON.stringify({ time: Date.now(), pairs: snapshot() }));
    } catch (error) { /* storage full or disabled: the server copy still works */ }
  }

  function setStatus(state, html) {
    var status = document.getElementById("save-status");
    if (!status) return;
    status.dataset.state = state;
    status.className = "save-status state-" + state;
    status.innerHTML = html;
  }

  function setPath(path) {
    var input = document.getElementById("f-taxonomy_path");
    if (!input) return;
    input.value = path;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    var said = document.getElementById("path-picked");
    if (said) said.textContent = "Chosen: " + path;
    input.focus();
  }

  form.addEventListener("input", function (event) {
    var field = event.target;
    if (field.dataset && field.dataset.wordLimit) updateCount(field);
    if (field.dataset && field.dataset.autosave === "off") return;
    dirty = true;
    edits += 1;
    keepCopy();
    var status = document.getElementById("save-status");
    if (status && status.dataset.state === "saved") setStatus("unsaved", "Changes not saved yet…");
  });

  // Enter in a one-line field saves instead of submitting the whole page.
  form.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || field.tagName !== "INPUT" || field.type === "checkbox") return;
    event.preventDefault();
    if (field.dataset.enterClicks) {
      var button = document.querySelector(field.dataset.enterClicks);
      if (button) button.click();
    } else if (field.dataset.autosave !== "off") {
      htmx.trigger(form, "cp:save");
    }
  });

  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-pick-path]");
    if (pick) setPath(pick.dataset.pickPath);
  });
  document.body.addEventListener("cp:set-path", function (event) { setPath(event.detail.path); });

  // A save only clears the browser's copy if nothing was typed after it was sent.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("#entry-form")) {
      event.detail.xhr.cpEdits = edits;
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (!event.detail.successful || xhr.cpEdits === undefined) return;
    if (xhr.cpEdits === edits && xhr.responseText.indexOf('data-state="saved"') >= 0) {
      dirty = false;
      try { localStorage.removeItem(key); } catch (error) { /* ignore */ }
    }
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    var version = document.getElementById("draft-version");
    document.querySelectorAll(".draft-version-copy").forEach(function (copy) {
      if (version) copy.value = version.value;
    });
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    if (event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("#entry-form")) {
      setStatus("offline", "<strong>Not saved: no connection.</strong> Your text is kept in this " +
        "browser and is saved as soon as the connection is back.");
    }
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var elt = event.detail.elt;
    if (!(elt && elt.closest && elt.closest("#entry-form"))) return;
    if (event.detail.xhr && event.detail.xhr.status === 403) {
      // The security check failed: the session (and its token) ended.
      setStatus("logged-out", "<strong>Not saved: you have been logged out.</strong> " +
        '<a href="' + editor.dataset.loginUrl + '" target="_blank" rel="noopener">Log in again ' +
        "in a new tab</a>, then come back here and press “Save now”. Your text is still on " +
        "this page, and a copy is kept in this browser.");
      return;
    }
    setStatus("error", "<strong>Not saved.</strong> Something went wrong on our side. Your " +
      "text is kept in this browser: reload the page and it is offered back to you.");
  });
  window.addEventListener("online", function () { if (dirty) htmx.trigger(form, "cp:save"); });

  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A copy left from an earlier visit whose save never reached the server: offer it back.
  var banner = document.getElementById("restore-banner");
  var stored = null;
  try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (error) { stored = null; }
  if (stored && banner) {
    if (JSON.stringify(stored.pairs) === JSON.stringify(snapshot())) {
      localStorage.removeItem(key);
    } else {
      banner.querySelector("[data-restore-time]").textContent =
        new Date(stored.time).toLocaleString();
      banner.hidden = false;
      banner.addEventListener("click", function (event) {
        var choice = event.target.dataset && event.target.dataset.restore;
        if (choice === "discard") {
          localStorage.removeItem(key);
          banner.hidden = true;
        } else if (choice === "apply") {
          var body = new FormData();
          stored.pairs.forEach(function (pair) { body.append(pair[0], pair[1]); });
          body.append("force", "1");
          fetch(editor.dataset.autosaveUrl, {
            method: "POST", body: body, credentials: "same-origin",
            headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" }
          }).then(function (response) { return response.text(); }).then(function (html) {
            if (html.indexOf('data-state="saved"') >= 0) {
              localStorage.removeItem(key);
              window.location.reload();
            } else {
              banner.querySelector("p").textContent =
                "Could not put it back yet: log in again, then press “Put it back”.";
            }
          });
        }
      });
    }
  }
})();
