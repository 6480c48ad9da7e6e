// deftweb's only script besides htmx: show flash messages sent through the HX-Trigger header.
(function () {
  "use strict";
  function showFlash(message, category) {
    var box = document.getElementById("flashes");
    if (!box) { return; }
    var div = document.createElement("div");
    div.className = "flash flash-" + (category || "info");
    div.textContent = message;
    box.appendChild(div);
  }
  document.addEventListener("flash", function (event) {
    var items = event.detail && event.detail.value;
    (Array.isArray(items) ? items : [items]).forEach(function (item) {
      if (item && item.message) { showFlash(item.message, item.category); }
    });
  });
})();

// Request and task tables: share clean URLs, select rows for bulk actions.
(function () {
  "use strict";
  // A filter form sends only the filters that hold a value, so the pushed URL stays short.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    var data = event.detail.formData;
    if (!form || !form.matches || !form.matches("form.filters") || !data) { return; }
    var empty = [];
    data.forEach(function (value, key) { if (value === "") { empty.push(key); } });
    empty.forEach(function (key) { data.delete(key); });
  });
  // "Select this page" ticks or clears every row box of the table it heads.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input.select-page")) { return; }
    var table = box.closest("table");
    table.querySelectorAll("input.select-row").forEach(function (row) { row.checked = box.checked; });
  });
})();
