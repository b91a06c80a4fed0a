// Evidence table: a filter box and sortable columns. Without script the full table is shown.
(function () {
  var table = document.getElementById("evidence-table");
  var search = document.getElementById("evidence-search");
  if (!table || !search) { return; }
  var body = table.tBodies[0];
  var count = document.getElementById("evidence-count");
  search.hidden = false;
  search.addEventListener("input", function () {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var text = row.textContent.toLowerCase();
      var match = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + body.rows.length + " papers shown"; }
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, column) {
    cell.setAttribute("data-sortable", "");
    cell.setAttribute("title", "sort by this column");
    cell.addEventListener("click", function () {
      var ascending = cell.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
      cell.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (x, y) {
        var a = x.cells[column].getAttribute("data-value") || x.cells[column].textContent;
        var b = y.cells[column].getAttribute("data-value") || y.cells[column].textContent;
        var order = (isNaN(a) || isNaN(b)) ? a.localeCompare(b) : a - b;
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
