// Report status page: while the report is queued or rendering, ask the JSON status endpoint every
// few seconds and reload the page once the report is ready or has failed. Without JavaScript the
// page offers a refresh link instead.
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var current = box.getAttribute("data-status");
  var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 3;
  var progress = document.getElementById("report-progress");
  var tries = 0;

  function check() {
    tries += 1;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data.ready || data.failed) {
          window.location.reload();
          return;
        }
        if (data.status !== current && progress) {
          current = data.status;
          progress.textContent = current === "rendering"
            ? "The report is being produced now. This page will update when it is ready."
            : "The report is waiting to be produced. This page will update when it is ready.";
        }
        if (tries < 200) {
          window.setTimeout(check, seconds * 1000);
        }
      })
      .catch(function () {
        if (tries < 200) {
          window.setTimeout(check, seconds * 4000);
        }
      });
  }

  window.setTimeout(check, seconds * 1000);
})();
