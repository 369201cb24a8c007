/* Keeps a mailbox page current while its sync runs: polls the mailbox's JSON, writes
 * the progress and the counts as text, and reloads the page once the sync has finished
 * so the server renders the final tally and the reasons for what was left out. */
(function () {
  "use strict";

  var RUN_CLASSES = { succeeded: "status-ok", failed: "status-bad", running: "status-busy" };

  function setText(id, value) {
    var node = document.getElementById(id);
    if (node) {
      node.textContent = value;
    }
  }

  function render(data) {
    setText("mailbox-accounted", data.accounted_text);
    setText("mailbox-state", data.state_label);
    var run = data.run;
    if (!run) {
      return;
    }
    var pill = document.getElementById("run-status");
    if (pill) {
      pill.className = "status-pill " + (RUN_CLASSES[run.status] || "status-idle");
      pill.textContent = run.status_label;
    }
    var bar = document.getElementById("run-progress");
    if (bar) {
      bar.value = run.percent;
      bar.textContent = run.percent + "%";
    }
    setText("run-done", String(run.done));
    setText("run-total", String(run.total));
    setText("run-rate", run.rate);
    setText("run-eta", run.eta);
    Object.keys(run.counts).forEach(function (name) {
      var node = document.querySelector('[data-count="' + CSS.escape(name) + '"]');
      if (node) {
        node.textContent = String(run.counts[name]);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("mailbox");
    if (!root || root.dataset.finished === "true") {
      return;
    }
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
  });
})();
