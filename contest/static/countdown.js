// Counts down to the next opening or closing shown on the home page (seconds come from the server).
(function () {
  "use strict";
  var el = document.querySelector("[data-countdown]");
  if (!el) return;
  var endsAt = performance.now() + Number(el.dataset.countdown) * 1000;
  var out = el.querySelector(".countdown-value");
  function tick() {
    var left = Math.max(0, Math.floor((endsAt - performance.now()) / 1000));
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    out.textContent = (d ? d + " ngày " : "") + h + " giờ " + m + " phút " + s + " giây";
    if (left > 0) setTimeout(tick, 1000);
  }
  tick();
})();
