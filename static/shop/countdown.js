// Time left on a reservation. The server renders its own "now" and the API's expiresAt (epoch
// ms); the difference with the browser's clock at load is the offset, so a wrong browser clock
// does not change the countdown. Announces at 5 and 1 minutes; at 0 disables confirmation.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function start(box) {
    var expiresAt = Number(box.dataset.expiresAt);
    var offset = Number(box.dataset.serverNow) - Date.now();
    var display = box.querySelector("[data-countdown-display]");
    var live = box.querySelector("[data-countdown-announce]");
    var expired = box.querySelector("[data-countdown-expired]");
    var announced = {};
    function tick() {
      var left = Math.max(0, Math.round((expiresAt - (Date.now() + offset)) / 1000));
      display.textContent = Math.floor(left / 60) + ":" + pad(left % 60);
      [5, 1].forEach(function (minutes) {
        if (left <= minutes * 60 && left > 0 && !announced[minutes]) {
          announced[minutes] = true;
          live.textContent = box.dataset["announce" + minutes];
        }
      });
      if (left === 0) {
        clearInterval(timer);
        if (expired) { expired.hidden = false; }
        document.querySelectorAll("[data-countdown-disable]").forEach(function (el) {
          el.disabled = true;
          el.setAttribute("aria-disabled", "true");
        });
      }
    }
    var timer = setInterval(tick, 1000);
    tick();
  }
  document.querySelectorAll("[data-countdown]").forEach(start);
})();
