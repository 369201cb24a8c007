/* Keeps the dashboard's health section current by polling its JSON twin.
 * Only textContent is written, so nothing a worker or an error message contains can
 * become markup. */
(function () {
  "use strict";

  var OVERALL = {
    ok: ["status-ok", "All systems normal"],
    degraded: ["status-warn", "Degraded"],
    down: ["status-bad", "Down"]
  };

  function byId(id) {
    return document.getElementById(id);
  }

  function setText(id, value) {
    var node = byId(id);
    if (node) {
      node.textContent = value;
    }
  }

  function setBadge(node, ok, okText, badText) {
    node.className = "badge " + (ok ? "badge-ok" : "badge-bad");
    node.textContent = ok ? okText : badText;
  }

  function badge(ok, okText, badText) {
    var node = document.createElement("span");
    setBadge(node, ok, okText, badText);
    return node;
  }

  function cell(row, content, className) {
    var td = document.createElement("td");
    if (className) {
      td.className = className;
    }
    if (content instanceof Node) {
      td.appendChild(content);
    } else {
      td.textContent = content;
    }
    row.appendChild(td);
    return td;
  }

  function fillTable(bodyId, items, emptyText, columns, addRow) {
    var body = byId(bodyId);
    if (!body) {
      return;
    }
    var rows = [];
    items.forEach(function (item) {
      var row = document.createElement("tr");
      addRow(row, item);
      rows.push(row);
    });
    if (rows.length === 0) {
      var empty = document.createElement("tr");
      empty.className = "empty";
      cell(empty, emptyText).colSpan = columns;
      rows.push(empty);
    }
    body.replaceChildren.apply(body, rows);
  }

  function renderComponents(data) {
    setBadge(byId("database-badge"), data.database.ok, "OK", "Down");
    setText("database-detail", data.database.detail);
    setBadge(byId("broker-badge"), data.broker.ok, "OK", "Down");
    setText("broker-detail", data.broker.detail);
    var overall = OVERALL[data.status] || OVERALL.down;
    var pill = byId("overall-status");
    pill.className = "status-pill " + overall[0];
    pill.textContent = overall[1];
  }

  function renderQueues(queues) {
    Object.keys(queues).forEach(function (name) {
      var node = document.querySelector('[data-queue="' + CSS.escape(name) + '"]');
      if (node) {
        node.textContent = queues[name] === null ? "\u2014" : String(queues[name]);
      }
    });
  }

  function renderWorkers(workers, alive) {
    setText("workers-alive", String(alive));
    setText("workers-total", String(workers.length));
    fillTable("workers-body", workers, "No worker has reported yet.", 4, function (row, w) {
      cell(row, w.hostname);
      cell(row, String(w.pid), "num");
      cell(row, w.seen_ago, "nowrap").title = w.last_seen;
      cell(row, badge(w.alive, "alive", "stale"));
    });
  }

  function renderErrors(errors) {
    fillTable("errors-body", errors, "No recent errors.", 3, function (row, e) {
      cell(row, e.at, "nowrap");
      cell(row, e.source, "nowrap");
      cell(row, e.message, "message");
    });
  }

  function render(data) {
    renderComponents(data);
    renderQueues(data.queues);
    renderWorkers(data.workers, data.workers_alive);
    renderErrors(data.recent_errors);
    setText("checked-at", data.checked_at);
  }

  function setLive(state, label) {
    var node = byId("live-state");
    node.dataset.state = state;
    node.textContent = label;
  }

  function start(root) {
    var interval = Math.max(0.2, parseFloat(root.dataset.pollSeconds) || 5) * 1000;
    window.crmhubPoll(root.dataset.url, interval, {
      onData: function (data) {
        render(data);
        setLive("live", "live");
      },
      onError: function () {
        setLive("lost", "connection lost, retrying");
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = byId("health");
    if (root) {
      start(root);
    }
  });
})();
