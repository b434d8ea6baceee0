// The static site's only script: as you type, the home page's list of questions narrows to those whose
// phrasings contain every word typed. A plain substring filter, not a second matching engine; without
// JavaScript the box stays hidden and the whole list is the page. Every other page's box comes here with
// its words in ?q=, which start the filter.
(function () {
  "use strict";
  var form = document.getElementById("filter-form");
  var input = document.getElementById("filter");
  var count = document.getElementById("filter-count");
  var noMatch = document.getElementById("no-match");
  var items = Array.prototype.slice.call(document.querySelectorAll("#question-list li"));
  if (!form || !input || !items.length) return;

  function fold(text) {  // case and accents, as the engine folds them
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var texts = items.map(function (item) {
    return fold((item.getAttribute("data-text") || "") + " " + item.textContent);
  });

  function apply() {
    var words = fold(input.value).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    var shown = 0;
    items.forEach(function (item, i) {
      var match = words.every(function (word) { return texts[i].indexOf(word) !== -1; });
      item.hidden = !match;
      if (match) shown += 1;
    });
    noMatch.hidden = shown > 0;
    count.textContent = words.length ? shown + " of " + items.length + " questions" : "";
  }

  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) input.value = asked;
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  input.addEventListener("input", apply);
  apply();
})();
