// Charts for the reports. Each chart reads its figures from a json_script tag; the same figures are in
// the table next to it, which is the accessible equivalent.
(function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw() {
    if (typeof Chart === "undefined") return;
    var lang = document.documentElement.lang === "en" ? "en-GB" : "da-DK";
    var fmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
    var common = { locale: lang, responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + fmt.format(c.parsed.y); } } } } };
    var cap = data("capacity-data");
    if (cap) {
      new Chart(document.getElementById("capacity-chart"), { type: "bar", options: common, data: { labels: cap.labels, datasets: [
        { label: cap.series.workload, data: cap.workload, backgroundColor: "#0059b3" },
        { label: cap.series.available, data: cap.available, type: "line", borderColor: "#1a1a1a", borderDash: [6, 4], pointStyle: "rectRot" }
      ] } });
    }
    var cmp = data("comparison-data");
    if (cmp) {
      new Chart(document.getElementById("comparison-chart"), { type: "bar", options: common, data: { labels: cmp.labels, datasets: [
        { label: cmp.series.dkk, data: cmp.dkk, backgroundColor: "#0059b3" },
        { label: cmp.series.steady, data: cmp.steady, backgroundColor: "#747474" }
      ] } });
    }
    var cat = data("catalogue-data");
    if (cat) {
      new Chart(document.getElementById("catalogue-chart"), { type: "bar", options: Object.assign({}, common, { indexAxis: "y",
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + fmt.format(c.parsed.x); } } } } }),
        data: { labels: cat.labels, datasets: [
          { label: cat.series.target, data: cat.target, backgroundColor: "#747474" },
          { label: cat.series.saving, data: cat.saving, backgroundColor: "#0059b3" }
        ] } });
    }
    var bt = data("backtest-data");
    if (bt) {
      new Chart(document.getElementById("backtest-chart"), { type: "line", options: common, data: { labels: bt.labels, datasets: [
        { label: bt.series.forecast, data: bt.forecast, borderColor: "#0059b3", pointStyle: "circle" },
        { label: bt.series.actual, data: bt.actual, borderColor: "#1a1a1a", borderDash: [6, 4], pointStyle: "rectRot" }
      ] } });
    }
    document.querySelectorAll("canvas.kp-compliance-chart").forEach(function (canvas) {
      var q = data(canvas.dataset.source);
      if (!q) return;
      var pct = new Intl.NumberFormat("da-DK", { maximumFractionDigits: 1 });
      new Chart(canvas, { type: "line", options: Object.assign({}, common, {
        scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + pct.format(c.parsed.y) + " %"; } } } } }),
        data: { labels: q.labels, datasets: [
          { label: "Andel til tiden (%)", data: q.share, borderColor: "#0059b3", backgroundColor: "#0059b3", spanGaps: true },
          { label: "Kvote (%)", data: q.quota, borderColor: "#1a1a1a", borderDash: [6, 4], pointStyle: "rectRot" }
        ] } });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
