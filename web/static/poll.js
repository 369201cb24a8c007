/* One polling loop for the pages that update live (dashboard, import progress).
 * crmhubPoll(url, intervalMs, {onData, onError}) fetches JSON every interval:
 * onData(data) returns false to stop polling; onError() runs on a failed fetch.
 * A 401 means the session ended elsewhere: the page reloads to show the sign-in page,
 * unless the page is already leaving (a form such as "Sign out" was submitted), when a
 * reload would race that navigation. */
(function () {
  "use strict";

  var leaving = false;
  document.addEventListener("submit", function () {
    leaving = true;
  });
  window.addEventListener("pagehide", function () {
    leaving = true;
  });

  window.crmhubPoll = function (url, intervalMs, handlers) {
    function again() {
      if (!leaving) {
        window.setTimeout(refresh, intervalMs);
      }
    }

    function refresh() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (response.status === 401) {
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
          if (data && handlers.onData(data) !== false) {
            again();
          }
        })
        .catch(function () {
          handlers.onError();
          again();
        });
    }

    again();
  };
})();
