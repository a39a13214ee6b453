// Staff pages, progressive enhancement only: without this file the page still warns on load.
// Every 30 seconds it asks who else has the ticket open and whether new messages arrived.
(function () {
  "use strict";
  var box = document.querySelector("[data-presence]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-url") + "?since=" + encodeURIComponent(box.getAttribute("data-since"));
  var serverText = box.textContent.trim();
  function check() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var text = data.text || "";
        if (!text && serverText) { return; }
        box.textContent = text;
        box.hidden = !text;
      })
      .catch(function () { /* offline for a moment: try again next time */ });
  }
  window.setInterval(check, 30000);
})();
