// An embedded ranking tells the page that frames it how tall it is, so the embed code's
// listener can size the iframe to its content (no scrollbar, no empty space). Only a height
// is sent: nothing about the reader or the page leaves the frame.
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function post() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h === last) return;
    last = h;
    window.parent.postMessage({ type: "policy-option-explorer:height", height: h }, "*");
  }
  if ("ResizeObserver" in window) new ResizeObserver(post).observe(document.documentElement);
  window.addEventListener("load", post);
  window.addEventListener("resize", post);
  document.addEventListener("toggle", post, true);
  post();
})();
