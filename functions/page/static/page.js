/* The booking page works without this script; it only improves it: focus on the step the
   customer arrived at, a visible countdown of the hold announced politely, and the page's
   height reported to a parent page that embeds it (embed.js listens). */
(function () {
  "use strict";

  var arrived = document.querySelector("[data-focus]");
  if (arrived && (document.activeElement === document.body || document.activeElement === null)) {
    arrived.focus();
  }

  var timer = document.querySelector(".bm-timer[data-expires]");
  var announce = document.querySelector("[data-announce]");
  if (timer && announce) {
    var expires = Date.parse(timer.getAttribute("data-expires"));
    var said = {};
    var say = function (key, text) {
      if (!said[key]) {
        said[key] = true;
        announce.textContent = text;
      }
    };
    var tick = function () {
      var left = Math.max(0, Math.round((expires - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      timer.textContent = "(" + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + ")";
      if (left === 0) {
        say("expired", announce.getAttribute("data-expired"));
        window.clearInterval(handle);
      } else if (left <= 60) {
        say("one", announce.getAttribute("data-one-minute"));
      } else if (left <= 120) {
        say("two", announce.getAttribute("data-left").replace("{n}", "2"));
      }
    };
    timer.hidden = false;
    var handle = window.setInterval(tick, 1000);
    tick();
  }

  if (window.parent !== window) {
    var last = 0;
    var report = function () {
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height !== last) {
        last = height;
        window.parent.postMessage({ type: "bookme:height", height: height }, "*");
      }
    };
    window.addEventListener("load", report);
    if (window.ResizeObserver) {
      new window.ResizeObserver(report).observe(document.body);
    } else {
      window.setInterval(report, 500);
    }
    report();
  }
})();
