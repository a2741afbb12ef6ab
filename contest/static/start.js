// The start page: the first press of «Bắt đầu làm bài» only reveals the second one in place;
// the second starts the clock. Without this file the first press loads the confirm step.
(function () {
  "use strict";
  var first = document.getElementById("start-first");
  var second = document.getElementById("start-confirm");
  if (!first || !second) return;
  var button = second.querySelector("button");
  first.addEventListener("submit", function (event) {
    event.preventDefault();
    first.hidden = true;
    second.hidden = false;
    // A double tap is not a deliberate second press: the button waits a moment.
    button.disabled = true;
    setTimeout(function () { button.disabled = false; button.focus(); }, 400);
  });
  second.addEventListener("submit", function () {
    // One start per press: a third tap while the page loads sends nothing more.
    setTimeout(function () { button.disabled = true; }, 0);
  });
})();
