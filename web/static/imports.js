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
    var interval = Math.max(0.2, parseFloat(root.dataset.pollSeconds) || 1) * 1000;
    window.crmhubPoll(root.dataset.url, interval, {
      onData: function (data) {
        render(data);
        if (data.finished) {
          window.location.reload();
          return false;
        }
        return true;
      },
      onError: function () {
        setText("run-live", "Connection lost; retrying.");
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = byId("import-run");
    if (root && root.dataset.finished !== "true") {
      start(root);
    }
  });
})();
