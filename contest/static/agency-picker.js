// A search box over the agency list: typing "xa nghi" keeps only matching agencies.
(function () {
  "use strict";
  var box = document.getElementById("agency-search");
  var select = document.getElementById("agency_id");
  if (!box || !select) return;
  var wrap = document.getElementById("agency-search-box");
  (wrap || box).hidden = false;
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
  }
  var options = Array.prototype.map.call(select.options, function (o) { return { el: o, key: fold(o.text) }; });
  select.size = 1;
  box.addEventListener("input", function () {
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    var first = null;
    options.forEach(function (o) {
      var show = o.el.value === "0" || words.every(function (w) { return o.key.indexOf(w) !== -1; });
      o.el.hidden = !show;
      if (show && o.el.value !== "0" && !first) first = o.el;
    });
    if (words.length && first) select.value = first.value;
    select.size = words.length ? Math.min(8, options.filter(function (o) { return !o.el.hidden; }).length) : 1;
  });
})();
