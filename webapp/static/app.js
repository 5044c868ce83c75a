// Press "/" anywhere but in a text field to jump to the search box (GitHub-style).
"use strict";
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
  var box = document.getElementById("q");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});

// Company hints: while the last word typed is `company:app` (or a word of 3+ letters), offer the
// companies it starts (from /companies/suggest.json) in the box's <datalist>; choosing one puts
// `cik:320193` in that word's place. Without JavaScript the box is a plain search box.
(function () {
  var box = document.getElementById("q");
  var list = document.getElementById("company-hints");
  if (!box || !list || !window.fetch) return;
  var timer = null;
  var LAST_WORD = /(?:^|\s)((?:company:)?"?([^\s:"]{3,}))$/i;

  function fill(head, companies) {
    list.textContent = "";
    companies.forEach(function (c) {
      var option = document.createElement("option");
      option.value = head + "cik:" + c.cik.replace(/^0+/, "");
      option.label = c.label;
      option.textContent = c.label;
      list.appendChild(option);
    });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    var text = box.value;
    var m = LAST_WORD.exec(text);
    if (!m || /^cik:/i.test(m[1])) { list.textContent = ""; return; }
    var head = text.slice(0, text.length - m[1].length);
    timer = setTimeout(function () {
      fetch("/companies/suggest.json?q=" + encodeURIComponent(m[2]))
        .then(function (r) { return r.ok ? r.json() : { companies: [] }; })
        .then(function (body) { if (box.value === text) fill(head, body.companies); })
        .catch(function () { list.textContent = ""; });
    }, 150);
  });
})();

// A query that does not parse: put the cursor in the box at the mistake (the page marks it too).
(function () {
  var box = document.getElementById("q");
  if (!box || !box.hasAttribute("data-error-at")) return;
  var at = parseInt(box.getAttribute("data-error-at"), 10) || 0;
  box.focus();
  box.setSelectionRange(at, Math.min(at + 1, box.value.length));
})();
