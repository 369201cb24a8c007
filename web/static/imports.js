/* Keeps an import's page current while the worker imports the file: polls the run's
 * JSON, updates the progress and the counts, and reloads the page once the run has
 * finished so that its full report (bad rows, warnings) is rendered by the server.
 * Only textContent and properties are written, never markup. */
(function () {
  "use strict";

  var STATUS_CLASSES = { succeeded: "status-ok", failed: "status-bad", running: "status-busy" };

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(id, value) {
    var node = byId(id);
    if (node) {
      node.textContent = value;
    }
  }

  function render(data) {
    var badge = byId("run-status");
    if (badge) {
      badge.className = "status-pill " + (STATUS_CLASSES[data.status] || "status-idle");
      badge.textContent = data.status_label;
    }
    var bar = byId("run-progress");
    if (bar) {
      bar.value = data.percent;
      bar.textContent = data.percent + "%";
    }
    setText("run-done", String(data.done));
    setText("run-total", data.total === null ? "?" : String(data.total));
    Object.keys(data.counts).forEach(function (name) {
      var node = document.querySelector('[data-count="' + CSS.escape(name) + '"]');
      if (node) {
        node.textContent = String(data.counts[name]);
      }
    });
  }

  function start(root) {
    var url = root.dataset.url;
    var interval = Math.max(0.2, parseFloat(root.dataset.pollSeconds) || 1) * 1000;

    var leaving = false;
    document.addEventListener("submit", function () {
      leaving = true;
    });
    window.addEventListener("pagehide", function () {
      leaving = true;
    });

    function refresh() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (response.status === 401) {
            // Signed out elsewhere: show the sign-in page, unless this page is already
            // leaving (a sign-out form was submitted): reloading then would race it.
            if (!leaving) {
              window.location.reload();
            }
            return null;
          }
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (!data) {
            return;
          }
          render(data);
          if (data.finished) {
            window.location.reload();
          } else {
            window.setTimeout(refresh, interval);
          }
        })
        .catch(function () {
          setText("run-live", "Connection lost; retrying.");
          window.setTimeout(refresh, interval);
        });
    }

    window.setTimeout(refresh, interval);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = byId("import-run");
    if (root && root.dataset.finished !== "true") {
      start(root);
    }
  });
})();
