// The quiz page: saves each choice at once, retries while offline, counts down from the
// server's deadline and hands in when time runs out. Without this file the form still works.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) return;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var saveUrl = form.dataset.saveUrl;
  var storageKey = "pending:" + form.dataset.attempt;
  var stateEl = document.getElementById("save-state");
  var timerEl = document.getElementById("timer");
  var pending = readPending();
  var sending = false, closed = false, timeIsUp = false, retryDelay = 1000, retryTimer = null;
  var endsAt = performance.now() + Number(timerEl.dataset.secondsLeft) * 1000;

  Array.prototype.forEach.call(document.querySelectorAll(".js-hide"), function (el) { el.hidden = true; });

  function readPending() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "{}"); } catch (e) { return {}; }
  }
  function persist() {
    try { localStorage.setItem(storageKey, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }
  function itemState(key) {
    var box = key === "prediction" ? document.getElementById("prediction")
      : form.querySelector('.question[data-position="' + key + '"]');
    return box ? box.closest(".question").querySelector(".item-state") : null;
  }
  function mark(key, text, cls) {
    var el = itemState(key);
    if (el) { el.textContent = text; el.className = "item-state small " + (cls || ""); }
  }
  function showState() {
    var count = Object.keys(pending).length;
    if (timeIsUp) return;
    if (!count) { stateEl.textContent = "Đã lưu"; stateEl.className = "save-state saved"; return; }
    stateEl.className = "save-state waiting";
    stateEl.textContent = navigator.onLine ? "Đang lưu " + count + " câu…"
      : "Mất kết nối — " + count + " câu chờ lưu";
  }
  function chosenIn(fieldset) {
    return Array.prototype.filter.call(fieldset.querySelectorAll("input"), function (i) { return i.checked; })
      .map(function (i) { return Number(i.value); });
  }
  function queue(key, body) {
    pending[key] = body;
    persist();
    mark(key, "Chờ lưu…", "waiting");
    showState();
    pump();
  }
  function retryLater() {
    sending = false;
    showState();
    clearTimeout(retryTimer);
    retryTimer = setTimeout(pump, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }
  function send(key, body) {
    return fetch(saveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }
  function pump() {
    if (closed) return;
    pumpOnce();
  }
  function pumpOnce() {
    var keys = Object.keys(pending);
    if (sending || !keys.length) { showState(); return; }
    var key = keys[0], body = pending[key];
    sending = true;
    send(key, body).then(function (reply) {
      sending = false;
      if (reply.status === 200 && reply.data.ok) {
        document.getElementById("session-notice").hidden = true;
        // Only forget the change if the participant has not changed it again meanwhile.
        if (JSON.stringify(pending[key]) === JSON.stringify(body)) delete pending[key];
        persist(); retryDelay = 1000;
        mark(key, "Đã lưu", "saved");
        resync(reply.data.seconds_left);
        if (!closed) pump();
      } else if (reply.status === 409) {
        if (!closed) finish(reply.data.result_url);
      } else if (reply.status === 401 || reply.data.code === "session_expired") {
        // Logged out elsewhere or the session ended: keep every change and say what to do.
        retryLater();
        stateEl.textContent = "Chưa lưu được";
        stateEl.className = "save-state failed";
        document.getElementById("session-notice").hidden = false;
      } else if (reply.status === 400 || reply.status === 404 ||
                 reply.data.code === "too_many_saves") {
        // Refused for good (this question was saved too often: the answer saved before stays).
        delete pending[key]; persist();
        mark(key, reply.data.message || "Không lưu được", "failed");
        if (!closed) pump();
      } else {
        retryLater();
      }
    }, retryLater);
  }
  function resync(secondsLeft) {
    if (typeof secondsLeft !== "number") return;
    var serverEnd = performance.now() + secondsLeft * 1000;
    if (Math.abs(serverEnd - endsAt) > 2000) endsAt = serverEnd;
  }
  function finish(resultUrl) {
    closed = true;
    try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
    window.location.assign(resultUrl || form.dataset.resultUrl);
  }
  // Hand in once every waiting change is saved (or after a few seconds of trying). The form
  // then carries no answers: the server counts what it has, so a stale tab never overwrites
  // answers saved from another device. Only when changes could not be saved does the page's
  // own copy go along, as the last chance to keep them.
  function handIn() {
    closed = true;
    var waited = 0;
    (function attempt() {
      if (Object.keys(pending).length && waited < 8000) {
        waited += 500;
        pumpOnce();
        setTimeout(attempt, 500);
        return;
      }
      var stuck = Object.keys(pending).length > 0;
      document.getElementById("confirm-field").value = "1";
      form.querySelector('[name="answers_included"]').value = stuck && !timeIsUp ? "1" : "";
      try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
      form.submit();
    })();
  }
  function timeUp() {
    if (timeIsUp) return;
    timeIsUp = true;
    Array.prototype.forEach.call(form.querySelectorAll("input, button"), function (el) {
      if (el.type !== "hidden") el.disabled = true;
    });
    stateEl.textContent = "Hết giờ — đang thu bài…";
    handIn();
  }
  // Screen readers hear the time only at 5 minutes and 1 minute left, once each.
  var announceEl = document.getElementById("timer-announce"), lastLeft = null;
  function announce(left) {
    if (announceEl && lastLeft !== null) {
      if (lastLeft > 300 && left <= 300 && left > 60) announceEl.textContent = "Còn 5 phút làm bài.";
      if (lastLeft > 60 && left <= 60 && left > 0) announceEl.textContent = "Còn 1 phút làm bài.";
    }
    lastLeft = left;
  }
  function tick() {
    // Round up: the page never hands in before the server's deadline.
    var left = Math.max(0, Math.ceil((endsAt - performance.now()) / 1000));
    timerEl.textContent = String(Math.floor(left / 60)).padStart(2, "0") + ":" + String(left % 60).padStart(2, "0");
    timerEl.classList.toggle("urgent", left <= 60);
    announce(left);
    if (left <= 0) { timeUp(); return; }
    setTimeout(tick, 250);
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name === "prediction") {
      queue("prediction", { prediction: input.value === "" ? null : input.value });
      return;
    }
    var fieldset = input.closest(".question");
    if (!fieldset || !fieldset.dataset.position) return;
    queue(fieldset.dataset.position, { position: Number(fieldset.dataset.position), chosen: chosenIn(fieldset) });
  });

  var dialog = document.getElementById("confirm-dialog");
  form.addEventListener("submit", function (event) {
    if (closed || document.getElementById("confirm-field").value === "1") return;
    event.preventDefault();
    var total = form.querySelectorAll(".question[data-position]").length;
    var answered = Array.prototype.filter.call(form.querySelectorAll(".question[data-position]"),
      function (f) { return chosenIn(f).length > 0; }).length;
    var text = "Bạn đã trả lời " + answered + "/" + total + " câu. Nộp bài? Sau khi nộp không thể sửa.";
    if (!dialog || !dialog.showModal) {
      if (window.confirm(text)) handIn();
      return;
    }
    document.getElementById("confirm-text").textContent = text;
    dialog.showModal();
  });
  document.getElementById("confirm-cancel").addEventListener("click", function () { dialog.close(); });
  document.getElementById("confirm-ok").addEventListener("click", function () {
    dialog.close();
    stateEl.textContent = "Đang nộp bài…";
    handIn();
  });

  // Changes that were waiting when the page was closed: show them and send them again.
  Object.keys(pending).forEach(function (key) {
    var body = pending[key];
    if (key === "prediction") { var p = document.getElementById("prediction"); if (p) p.value = body.prediction === null ? "" : body.prediction; return; }
    var fieldset = form.querySelector('.question[data-position="' + key + '"]');
    if (!fieldset) { delete pending[key]; return; }
    Array.prototype.forEach.call(fieldset.querySelectorAll("input"), function (i) {
      i.checked = body.chosen.indexOf(Number(i.value)) !== -1;
    });
    mark(key, "Chờ lưu…", "waiting");
  });
  // Choices tapped before this script ran fired no change event: queue them now.
  Array.prototype.forEach.call(form.querySelectorAll(".question[data-position]"), function (fieldset) {
    var key = fieldset.dataset.position;
    var changed = Array.prototype.some.call(fieldset.querySelectorAll("input"), function (i) {
      return i.checked !== i.defaultChecked;
    });
    if (changed && !(key in pending)) queue(key, { position: Number(key), chosen: chosenIn(fieldset) });
  });
  var predictionInput = document.getElementById("prediction");
  if (predictionInput && predictionInput.value !== predictionInput.defaultValue && !("prediction" in pending)) {
    queue("prediction", { prediction: predictionInput.value === "" ? null : predictionInput.value });
  }
  window.addEventListener("online", function () { retryDelay = 1000; pump(); });
  window.addEventListener("offline", showState);
  showState();
  pump();
  tick();
})();
