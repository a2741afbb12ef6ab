/* A background export's page: every few seconds, ask the job's JSON status and show its
   progress; once it has finished, reload the page, which then shows the download link (or
   what went wrong). Without script the page's «Cập nhật trạng thái» link does the same. */
(function () {
  "use strict";
  var FAILURES_BEFORE_STOP = 5;
  var box = document.getElementById("job-status");
  if (!box || !window.fetch || box.getAttribute("data-finished") === "1") {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var seconds = parseInt(box.getAttribute("data-poll-seconds"), 10);
  if (!url || !(seconds > 0)) {
    return;
  }
  var failures = 0;
  var timer = null;

  function field(name, value) {
    var node = box.querySelector('[data-job-field="' + name + '"]');
    if (node && value !== null && value !== undefined) {
      node.textContent = value;
    }
  }

  function show(status) {
    field("status_label", status.status_label);
    field("text", status.text);
    var bar = box.querySelector("[data-job-progress]");
    if (bar && status.rows_total) {
      bar.max = status.rows_total;
      bar.value = Math.min(status.rows_done, status.rows_total);
    }
    if (status.finished) {
      window.clearInterval(timer);
      window.location.reload();
    }
  }

  function poll() {
    if (document.hidden) {
      return;
    }
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.redirected || response.status === 401 || response.status === 403) {
          window.clearInterval(timer);
          field("text", "Phiên đăng nhập đã hết; hãy đăng nhập lại rồi tải lại trang.");
          return null;
        }
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (status) {
        if (status) {
          failures = 0;
          show(status);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures >= FAILURES_BEFORE_STOP) {
          window.clearInterval(timer);
          field("text", "Không cập nhật được trạng thái; hãy tải lại trang.");
        }
      });
  }

  timer = window.setInterval(poll, seconds * 1000);
})();
