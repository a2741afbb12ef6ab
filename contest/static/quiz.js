// The quiz page: saves each choice at once, retries while offline, counts down from the
// server's deadline and hands in when time runs out; keeps the navigator's cells in step with
// the choices and their saves, and registers the service worker that lets the page reload
// offline (static/quiz-sw.js). Without this file the form and the navigator's links still work.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form) return;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var saveUrl = form.dataset.saveUrl;
  var stateUrl = form.dataset.stateUrl;
  var storageKey = "pending:" + form.dataset.attempt;
  var stateEl = document.getElementById("save-state");
  var timerEl = document.getElementById("timer");
  var pending = readPending();
  var sending = false, closed = false, timeIsUp = false, retryDelay = 1000, retryTimer = null;
  // A copy kept by the service worker, reloaded offline, is marked data-served="copy": its time
  // left and its checked choices are those of when it was kept, so both come from this device's
  // record of the live page instead (the end time by the server's clock, the choices saved since).
  var copyKey = "copy:" + form.dataset.attempt;
  var replayed = form.dataset.served === "copy";
  var record = replayed ? readRecord() : null;
  var endsAt = performance.now() + startingMillisLeft();
  if (!record) record = { saved: {} };
  var cells = {}, savedAnswered = {};
  Array.prototype.forEach.call(document.querySelectorAll('.qnav a[href^="#cau-"]'), function (cell) {
    var key = cell.getAttribute("href").slice(5);
    cells[key] = cell;
    savedAnswered[key] = cell.classList.contains("answered");
  });

  Array.prototype.forEach.call(document.querySelectorAll(".js-hide"), function (el) { el.hidden = true; });

  function readPending() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "{}"); } catch (e) { return {}; }
  }
  function persist() {
    try { localStorage.setItem(storageKey, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }
  function readRecord() {
    try { return JSON.parse(localStorage.getItem(copyKey) || "null"); } catch (e) { return null; }
  }
  function keepRecord() {
    record.endsAt = Date.now() + (endsAt - performance.now());
    try { localStorage.setItem(copyKey, JSON.stringify(record)); } catch (e) { /* private mode */ }
  }
  function startingMillisLeft() {
    var fresh = Number(timerEl.dataset.secondsLeft) * 1000;
    if (!replayed) return fresh;
    if (record && typeof record.endsAt === "number") return Math.max(0, record.endsAt - Date.now());
    // No record: the deadline by this device's clock, never more than the copy said.
    return Math.max(0, Math.min(fresh, Number(form.dataset.deadline) - Date.now()));
  }
  function showCell(key) {
    var cell = cells[key];
    if (!cell) return;
    var waiting = key in pending, answered = waiting ? pending[key].chosen.length > 0 : savedAnswered[key];
    cell.classList.toggle("waiting", waiting);
    cell.classList.toggle("answered", !waiting && answered);
    cell.setAttribute("aria-label", "Câu " + key + ": " +
      (waiting ? "đang chờ lưu" : answered ? "đã trả lời" : "chưa trả lời"));
  }
  function fieldsetAt(key) { return form.querySelector('.question[data-position="' + key + '"]'); }
  // Show a choice as the server holds it: checked and the form's default, so it is not re-sent.
  function setChoice(key, chosen) {
    var fieldset = fieldsetAt(key);
    if (!fieldset) return;
    Array.prototype.forEach.call(fieldset.querySelectorAll("input"), function (i) {
      i.checked = i.defaultChecked = chosen.indexOf(Number(i.value)) !== -1;
    });
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
    showCell(key);
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
        if (key !== "prediction") savedAnswered[key] = body.chosen.length > 0;
        record.saved[key] = body;
        showCell(key);
        resync(reply.data.seconds_left);
        keepRecord();
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
        showCell(key);
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
  function forget() {
    try { localStorage.removeItem(storageKey); localStorage.removeItem(copyKey); } catch (e) { /* ignore */ }
  }
  function finish(resultUrl) {
    closed = true;
    forget();
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
      if (!navigator.onLine) {
        // Sent when the connection is back: a hand-in now would only show the browser's error.
        stateEl.textContent = timeIsUp ? "Hết giờ — bài sẽ được nộp khi có mạng trở lại"
          : "Mất kết nối — bài sẽ được nộp khi có mạng trở lại";
        window.addEventListener("online", function () { forget(); form.submit(); }, { once: true });
        return;
      }
      forget();
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

  // What the server holds, asked when the hand-in dialog opens: with the attempt open in two
  // tabs or on two devices, the other's saves count too. Choices not waiting here are shown as
  // saved there. Resolves to whether the server answered (within a few seconds).
  function syncWithServer() {
    var asked = fetch(stateUrl, {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (reply) {
      if (reply.status === 409) { if (!closed) finish(reply.data.result_url); return false; }
      if (!reply.data.ok) return false;
      Object.keys(cells).forEach(function (key) {
        var chosen = reply.data.answers[key] || [];
        savedAnswered[key] = chosen.length > 0;
        if (!(key in pending)) { setChoice(key, chosen); record.saved[key] = { position: Number(key), chosen: chosen }; }
        showCell(key);
      });
      var input = document.getElementById("prediction");
      if (input && !("prediction" in pending)) {
        var value = reply.data.prediction === null ? "" : String(reply.data.prediction);
        input.value = input.defaultValue = value;
        record.saved.prediction = { prediction: reply.data.prediction };
      }
      resync(reply.data.seconds_left);
      keepRecord();
      return true;
    }).catch(function () { return false; });
    var late = new Promise(function (resolve) { setTimeout(resolve, 4000, false); });
    return Promise.race([asked, late]);
  }
  function answeredHere(key) { return key in pending ? pending[key].chosen.length > 0 : savedAnswered[key]; }
  function missingKeys() { return Object.keys(cells).filter(function (key) { return !answeredHere(key); }); }
  function countText(fromServer) {
    var total = Object.keys(cells).length, missing = missingKeys().length;
    return "Bạn đã trả lời " + (total - missing) + "/" + total + " câu" +
      (fromServer ? "" : " (theo máy này, chưa kiểm tra được với máy chủ)") +
      ". Nộp bài? Sau khi nộp không thể sửa.";
  }
  function waitingText() {
    var waiting = Object.keys(pending).length;
    return waiting ? waiting + " lựa chọn đang chờ lưu lên máy chủ; bài được nộp sau khi lưu xong." : "";
  }
  function fillDialog(fromServer) {
    var missing = missingKeys(), links = document.getElementById("confirm-missing-links");
    document.getElementById("confirm-text").textContent = countText(fromServer);
    links.textContent = "";
    missing.forEach(function (key, index) {
      if (index) links.appendChild(document.createTextNode(", "));
      var link = document.createElement("a");
      link.href = "#cau-" + key;
      link.className = "missing-link";
      link.textContent = key;
      link.setAttribute("aria-label", "Câu " + key);
      links.appendChild(link);
    });
    document.getElementById("confirm-missing").hidden = !missing.length;
    var waiting = document.getElementById("confirm-waiting");
    waiting.textContent = waitingText();
    waiting.hidden = !waiting.textContent;
    dialog.dataset.counted = fromServer ? "server" : "device";
  }
  var dialog = document.getElementById("confirm-dialog");
  form.addEventListener("submit", function (event) {
    if (closed || document.getElementById("confirm-field").value === "1") return;
    event.preventDefault();
    if (!dialog || !dialog.showModal) {
      syncWithServer().then(function (fromServer) {
        if (closed) return;
        var missing = missingKeys();
        var text = countText(fromServer) + (missing.length ? " Câu chưa trả lời: " + missing.join(", ") + "." : "");
        if (window.confirm(text + " " + waitingText())) handIn();
      });
      return;
    }
    fillDialog(false);
    dialog.showModal();
    syncWithServer().then(function (fromServer) { if (fromServer && dialog.open) fillDialog(true); });
  });
  // A missing question's link closes the dialog; the link itself then jumps to the question.
  document.getElementById("confirm-missing-links").addEventListener("click", function (event) {
    if (event.target.closest("a")) dialog.close();
  });
  document.getElementById("confirm-cancel").addEventListener("click", function () { dialog.close(); });
  document.getElementById("confirm-ok").addEventListener("click", function () {
    dialog.close();
    stateEl.textContent = "Đang nộp bài…";
    handIn();
  });

  // A reloaded copy: put back what was saved since it was kept.
  if (replayed) Object.keys(record.saved).forEach(function (key) {
    var body = record.saved[key];
    if (key === "prediction") {
      var input = document.getElementById("prediction");
      if (input) input.value = input.defaultValue = body.prediction === null ? "" : body.prediction;
      return;
    }
    setChoice(key, body.chosen);
    savedAnswered[key] = body.chosen.length > 0;
  });
  // Changes that were waiting when the page was closed: show them and send them again.
  Object.keys(pending).forEach(function (key) {
    var body = pending[key];
    if (key === "prediction") { var p = document.getElementById("prediction"); if (p) p.value = body.prediction === null ? "" : body.prediction; return; }
    var fieldset = fieldsetAt(key);
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
  Object.keys(cells).forEach(showCell);
  keepRecord();
  // Leaving with choices not yet on the server: the browser asks first. Never otherwise.
  window.addEventListener("beforeunload", function (event) {
    if (closed || !Object.keys(pending).length) return;
    event.preventDefault();
    event.returnValue = "";
  });
  window.addEventListener("online", function () { retryDelay = 1000; pump(); });
  window.addEventListener("offline", showState);
  showState();
  pump();
  tick();
  keepOffline();

  // The service worker keeps this page and its files for a reload without a connection. The
  // first visit happens before it controls the page, so the page asks it to keep itself.
  function keepOffline() {
    if (replayed || !("serviceWorker" in navigator) || !form.dataset.workerUrl) return;
    var files = Array.prototype.map.call(
      document.querySelectorAll('script[src], link[rel="stylesheet"]'),
      function (el) { return el.src || el.href; }
    ).filter(function (url) { return url.indexOf(location.origin + "/") === 0; });
    navigator.serviceWorker.register(form.dataset.workerUrl).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      registration.active.postMessage({
        type: "keep", files: files,
        page: navigator.serviceWorker.controller ? null : location.origin + location.pathname
      });
    }).catch(function () { /* no worker (private mode, old browser): the page works as before */ });
  }
})();
