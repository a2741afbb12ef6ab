/* The organizers' live page: every few seconds, fetch the figures section again and swap it in.
   Without script the page still works: its «Làm mới» link reloads it. No framework. */
(function () {
  "use strict";
  var FAILURES_BEFORE_STOP = 5;

  function section() {
    return document.getElementById("live-stats");
  }

  var first = section();
  if (!first || !window.fetch || !window.DOMParser) {
    return;
  }
  var url = first.getAttribute("data-refresh-url");
  var seconds = parseInt(first.getAttribute("data-refresh-seconds"), 10);
  if (!url || !(seconds > 0)) {
    return;
  }
  var timer = null;
  var failures = 0;
  var busy = false;

  function showProblem(text) {
    var current = section();
    var status = current && current.querySelector(".live-status");
    if (!status) {
      return;
    }
    var note = status.querySelector(".live-problem");
    if (!note) {
      note = document.createElement("span");
      note.className = "live-problem";
      status.appendChild(document.createTextNode(" "));
      status.appendChild(note);
    }
    note.textContent = text;
  }

  function stop(text) {
    window.clearInterval(timer);
    timer = null;
    showProblem(text);
  }

  function refresh() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } })
      .then(function (response) {
        // A log-in page after a redirect means the session ended: stop rather than swap it in.
        if (response.redirected || response.status === 401 || response.status === 403) {
          stop("Phiên đăng nhập đã hết; hãy tải lại trang để tiếp tục theo dõi.");
          return null;
        }
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("live-stats");
        var current = section();
        if (!fresh || !current) {
          throw new Error("no section");
        }
        current.replaceWith(document.importNode(fresh, true));
        failures = 0;
      })
      .catch(function () {
        failures += 1;
        if (failures >= FAILURES_BEFORE_STOP) {
          stop("Không cập nhật được số liệu; hãy bấm «Làm mới».");
        } else {
          showProblem("Chưa cập nhật được số liệu, sẽ thử lại.");
        }
      })
      .then(function () {
        busy = false;
      });
  }

  timer = window.setInterval(refresh, seconds * 1000);
  // Back on the tab after a while: bring the figures up to date at once.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer !== null) {
      refresh();
    }
  });
})();
