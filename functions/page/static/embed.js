/* BookMe's booking page in a bank's own page. Paste, where the page should appear:

     <iframe src="https://<bookme>/api/book/<portal id>" title="Book a meeting" data-bookme></iframe>
     <script src="https://<bookme>/api/book/embed.js" async></script>

   and list the page's origin in the portal's embedOrigins. The frame then takes the height of
   the booking page as it changes, so it never shows a scroll bar of its own. Sign-in leaves
   the frame (identity providers may not be framed) and the booking continues in the window. */
(function () {
  "use strict";
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "bookme:height" || typeof data.height !== "number") {
      return;
    }
    var frames = document.querySelectorAll("iframe[data-bookme]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow === event.source && new URL(frame.src, window.location.href).origin === event.origin) {
        frame.style.height = Math.max(100, Math.min(Math.round(data.height), 20000)) + "px";
        frame.style.width = "100%";
        frame.style.border = "0";
      }
    }
  });
})();
