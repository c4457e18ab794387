/* lexgap serve: save each answer as it is given, and update the paragraph status beside the form.
   Progressive enhancement only: without this script the form is an ordinary form with Save buttons.
   Nothing typed is ever cleared or overwritten by this script; answers that could not be saved stay
   on the page, are marked, and are sent again. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("answers-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var hint = document.getElementById("autosave-hint");
  if (hint) { hint.hidden = false; }
  var live = document.getElementById("live");
  var statusBody = document.getElementById("status-body");
  var tokenField = form.querySelector("input[name=csrf_token]");
  var viewField = form.querySelector("input[name=view]");
  var versionField = form.querySelector("input[name=version]");
  var summary = document.getElementById("save-summary");
  var dirty = {};          // question id -> true while a change is not yet confirmed saved
  var failed = {};         // question id -> true while its last save failed or was refused
  var lastSaved = "";
  var timers = {};         // question id -> debounce timer for typing
  var retries = {};        // question id -> retry timer
  var queue = Promise.resolve();

  function questionOf(el) { return el && el.closest ? el.closest(".question") : null; }
  function byId(id) { return document.getElementById(id); }
  function say(text) { if (live && text) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 50); } }

  function updateSummary() {
    if (!summary) { return; }
    var bad = Object.keys(failed), pending = Object.keys(dirty).filter(function (q) { return !failed[q]; });
    if (bad.length) {
      var num = byId("q-" + bad[0]) && byId("q-" + bad[0]).querySelector(".qnum");
      summary.textContent = "\u26a0 " + (bad.length === 1 ? "1 answer is" : bad.length + " answers are") +
        " not saved: see question " + (num ? num.textContent : "") + (bad.length > 1 ? " and the others marked." : ".");
      summary.className = "save-summary js-only failed";
    } else if (pending.length) {
      summary.textContent = "Saving\u2026";
      summary.className = "save-summary js-only";
    } else {
      summary.textContent = lastSaved ? "\u2713 All answers on this page are saved (last at " + lastSaved + ")." :
        "Answers save themselves as you give them.";
      summary.className = "save-summary js-only saved";
    }
  }

  function mark(qid, text, kind) {
    var m = byId("m-" + qid);
    if (kind === "failed") { failed[qid] = true; } else { delete failed[qid]; }
    if (m) {
      m.textContent = text;
      m.className = "save-state" + (kind ? " " + kind : "");
    }
    updateSummary();
  }

  function showError(qid, message) {
    var q = byId("q-" + qid), e = byId("e-" + qid);
    if (!q || !e) { return; }
    if (message) {
      e.textContent = "\u26a0 " + message;
      e.hidden = false;
      q.classList.add("has-error");
    } else {
      e.textContent = "";
      e.hidden = true;
      q.classList.remove("has-error");
      Array.prototype.forEach.call(q.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
    }
  }

  function collect(qid, keep) {
    var all = new FormData(form), out = new FormData();
    out.append("csrf_token", tokenField ? tokenField.value : "");
    out.append("view", viewField ? viewField.value : "");
    if (versionField) { out.append("version", versionField.value); }
    if (keep) { out.append("k." + qid, keep); }
    out.append("only", qid);
    out.append("q", qid);
    all.forEach(function (value, key) {
      if (key.length > 2 && key.charAt(1) === "." && key.slice(2) === qid) { out.append(key, value); }
    });
    return out;
  }

  function applyStates(states) {
    Object.keys(states).forEach(function (qid) {
      var q = byId("q-" + qid);
      if (!q) { return; }
      var state = states[qid], was = q.getAttribute("data-state");
      var fieldset = q.querySelector("fieldset");
      var note = byId("sa-" + qid);
      q.setAttribute("data-state", state);
      q.classList.remove("state-shown", "state-hidden", "state-set_aside");
      q.classList.add("state-" + state);
      q.hidden = state === "hidden";
      if (fieldset) { fieldset.disabled = state === "hidden"; }
      if (note) { note.hidden = state !== "set_aside"; }
      if (was === "hidden" && state !== "hidden") {
        q.classList.add("just-shown");
        var num = q.querySelector(".qnum");
        say("Question " + (num ? num.textContent : "") + " now applies and is shown below.");
      }
    });
  }

  function updateStatus(html) {
    if (!statusBody || typeof html !== "string") { return; }
    var before = {};
    Array.prototype.forEach.call(statusBody.querySelectorAll("tr[id]"), function (row) { before[row.id] = row.textContent; });
    statusBody.innerHTML = html;  // rendered and escaped by the server's templates
    Array.prototype.forEach.call(statusBody.querySelectorAll("tr[id]"), function (row) {
      if (before[row.id] !== undefined && before[row.id] !== row.textContent) { row.classList.add("changed"); }
    });
  }

  function updateCounts(counts) {
    Object.keys(counts || {}).forEach(function (sid) {
      var c = byId("count-" + sid);
      if (c) { c.textContent = counts[sid]; }
    });
  }

  function showConflict(qid, html) {
    var box = byId("x-" + qid);
    if (box) { box.innerHTML = html || ""; }  // rendered and escaped by the server's templates
  }

  function updateBases(bases) {
    Object.keys(bases || {}).forEach(function (qid) {
      var q = byId("q-" + qid), base = q && q.querySelector("input[name='b." + qid.replace(/'/g, "\\'") + "']");
      if (base) { base.value = bases[qid]; }
    });
  }

  function send(qid, keep) {
    window.clearTimeout(timers[qid]);
    window.clearTimeout(retries[qid]);
    dirty[qid] = true;
    mark(qid, "Saving\u2026", "");
    queue = queue.then(function () {
      var body = collect(qid, keep);
      return fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-Requested-With": "lexgap",
                   "X-CSRF-Token": tokenField ? tokenField.value : "" }
      }).then(function (response) {
        return response.json().catch(function () { return { ok: false, error: "The server's answer could not be read (" + response.status + ")." }; });
      }).then(function (data) {
        if (data.states) { applyStates(data.states); }
        if (data.status_html) { updateStatus(data.status_html); }
        if (data.counts) { updateCounts(data.counts); }
        if (data.version && versionField) { versionField.value = data.version; }
        updateBases(data.bases);
        var problem = data.errors && data.errors[qid], conflict = data.conflicts && data.conflicts[qid];
        if (conflict) {
          showConflict(qid, conflict);
          mark(qid, "Not saved: this answer was changed in another window. See the message above.", "failed");
          say("Question not saved: it was changed in another window. Choose: keep your answer, or use the saved one.");
        } else if (problem) {
          showError(qid, problem);
          mark(qid, "Not saved: see the message above.", "failed");
          say("Question not saved: " + problem);
        } else if (data.error) {
          mark(qid, "Not saved: " + data.error, "failed");
          say("Not saved: " + data.error);
        } else {
          delete dirty[qid];
          if (data.time) { lastSaved = data.time; }
          showError(qid, null);
          showConflict(qid, "");
          mark(qid, (data.saved ? "Saved" : "Up to date") + (data.time ? " at " + data.time : ""), "saved");
          if (data.announce) { say("Saved. " + data.announce); }
        }
      }).catch(function () {
        mark(qid, "Not saved yet: lexgap did not answer. Your answer stays here and will be sent again.", "failed");
        retries[qid] = window.setTimeout(function () { if (dirty[qid]) { send(qid); } }, 5000);
      });
    });
  }

  function exclusive(input) {
    var q = questionOf(input);
    if (!q || input.type !== "checkbox" || !input.checked || !input.name || input.name.charAt(0) !== "v") { return; }
    var boxes = q.querySelectorAll("input[type=checkbox][name='" + input.name.replace(/'/g, "\\'") + "']");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box === input) { return; }
      if (input.hasAttribute("data-exclusive") || box.hasAttribute("data-exclusive")) { box.checked = false; }
    });
  }

  form.addEventListener("change", function (event) {
    var q = questionOf(event.target);
    if (!q) { return; }
    exclusive(event.target);
    send(q.getAttribute("data-qid"));
  });

  form.addEventListener("input", function (event) {
    var t = event.target, q = questionOf(t);
    if (!q || !(t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && (t.type === "text" || t.type === "date")))) { return; }
    var qid = q.getAttribute("data-qid");
    dirty[qid] = true;
    mark(qid, "Typing\u2026 (saved when you pause)", "");
    window.clearTimeout(timers[qid]);
    timers[qid] = window.setTimeout(function () { send(qid); }, 1200);
  });

  form.addEventListener("click", function (event) {
    var t = event.target, qid;
    if (t && t.hasAttribute && t.hasAttribute("data-keep")) {
      event.preventDefault();
      send(t.getAttribute("data-keep"), t.value);
    } else if (t && t.hasAttribute && t.hasAttribute("data-use-saved")) {
      qid = t.getAttribute("data-use-saved");
      delete dirty[qid];
      window.clearTimeout(timers[qid]);
    }
  });

  form.addEventListener("submit", function () { dirty = {}; });

  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(dirty).length) { event.preventDefault(); event.returnValue = ""; }
  });
})();
