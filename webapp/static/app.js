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

// Filing page. On a phone the document list starts closed (a menu above the text). With
// matches in the text, Previous / Next buttons (and the keys p / n) step from match to match.
(function () {
  var menu = document.querySelector("[data-doc-menu]");
  if (menu && window.matchMedia && window.matchMedia("(max-width: 800px)").matches) {
    menu.open = false;
  }
  var buttons = document.querySelector("[data-match-buttons]");
  var marks = document.querySelectorAll("[data-doc-text] mark");
  if (!buttons || !marks.length) return;
  var status = buttons.querySelector("[data-match-status]");
  var current = location.hash === "#first-match" ? 0 : -1;

  function show() {
    status.textContent = current < 0 ? marks.length + " matches"
      : "Match " + (current + 1) + " of " + marks.length;
  }

  function step(by) {
    if (current >= 0) marks[current].classList.remove("current");
    current = current < 0 ? (by > 0 ? 0 : marks.length - 1)
      : (current + by + marks.length) % marks.length;
    marks[current].classList.add("current");
    marks[current].scrollIntoView({ block: "center" });
    show();
  }

  buttons.hidden = false;
  if (current === 0) marks[0].classList.add("current");
  show();
  buttons.addEventListener("click", function (event) {
    var button = event.target.closest("[data-match-step]");
    if (button) step(Number(button.getAttribute("data-match-step")));
  });
  document.addEventListener("keydown", function (event) {
    if ((event.key !== "n" && event.key !== "p") || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    event.preventDefault();
    step(event.key === "n" ? 1 : -1);
  });
})();

// Results by keyboard: `j` / `k` focus the next / previous result's link (Enter opens it, as
// any link); the result in focus is marked. Facet values are links acting as checkboxes, so
// Space ticks them too. Without JavaScript, "Skip to results" and Tab do the same.
(function () {
  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }
  function links() {
    return Array.prototype.slice.call(document.querySelectorAll("ol.hits > li.hit h3 a"));
  }
  function move(step) {
    var all = links();
    if (!all.length) return;
    var at = all.indexOf(document.activeElement);
    var next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + step));
    all[next].focus();
    all[next].closest("li.hit").scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      move(event.key === "j" ? 1 : -1);
    } else if (event.key === " " && event.target.matches('a[role="checkbox"]')) {
      event.preventDefault();
      event.target.click();
    }
  });
  document.addEventListener("focusin", function (event) {
    document.querySelectorAll("li.hit.current").forEach(function (li) { li.classList.remove("current"); });
    var hit = event.target.closest && event.target.closest("ol.hits > li.hit");
    if (hit) hit.classList.add("current");
  });
})();

// A facet listed in full gets a box that narrows its list as you type (Enter asks the server).
(function () {
  document.querySelectorAll("[data-facet-find]").forEach(function (find) {
    var input = find.querySelector("input");
    var items = find.parentNode.querySelectorAll("li[data-value]");
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().trim();
      items.forEach(function (li) {
        li.hidden = words !== "" && li.textContent.toLowerCase().indexOf(words) < 0;
      });
    });
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
