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
