// The ego graph on /network/graph, drawn with cytoscape.js from /api/v1/network/graph.
// Positions come from the server (Dunbar rings, circles as wedges): nothing is laid
// out here. Without JavaScript the page's tables say the same.
(function () {
  "use strict";
  var box = document.getElementById("ego-graph");
  if (!box || typeof window.cytoscape !== "function") {
    return;
  }
  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
    "#8c564b", "#e377c2", "#bcbd22", "#393b79", "#637939", "#843c39"];
  var ALONE = "#7f8790";

  function colour(circle) {
    return circle === null ? ALONE : PALETTE[circle % PALETTE.length];
  }

  function draw(data) {
    var elements = [];
    data.rings.forEach(function (ring, i) {
      elements.push({
        group: "nodes",
        data: { id: "ring-" + i, size: 2 * ring.radius },
        position: { x: 0, y: 0 },
        classes: "ring",
        selectable: false,
        grabbable: false
      });
    });
    elements.push({
      group: "nodes",
      data: { id: "me", label: data.name || "", href: "" },
      position: { x: 0, y: 0 },
      classes: "me"
    });
    data.nodes.forEach(function (n) {
      var id = "p" + n.id;
      elements.push({
        group: "nodes",
        data: {
          id: id,
          label: n.name || "#" + n.id,
          href: n.handle ? "/in/" + encodeURIComponent(n.handle) : "/network/ties/" + n.id,
          colour: colour(n.circle),
          size: 8 + 14 * n.score
        },
        position: { x: n.x, y: n.y },
        classes: n["class"] + (n.bridge ? " bridge" : "")
      });
      elements.push({
        group: "edges",
        data: { id: "t" + n.id, source: "me", target: id, width: 0.5 + 5 * n.score },
        classes: "ego " + n["class"]
      });
    });
    data.edges.forEach(function (e, i) {
      elements.push({
        group: "edges",
        data: { id: "e" + i, source: "p" + e.a, target: "p" + e.b, width: 0.3 + 2 * e.strength },
        classes: "among" + (e.between ? " between" : "")
      });
    });
    var large = data.nodes.length > 1000;
    var cy = window.cytoscape({
      container: box,
      elements: elements,
      layout: { name: "preset" },
      minZoom: 0.02,
      maxZoom: 4,
      textureOnViewport: large,
      hideEdgesOnViewport: large,
      pixelRatio: large ? 1 : "auto",
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", "width": "data(size)", "height": "data(size)",
          "label": "data(label)", "font-size": 9, "min-zoomed-font-size": 8,
          "text-valign": "bottom", "color": "#1c2430" } },
        { selector: "node.me", style: {
          "background-color": "#1c2430", "width": 22, "height": 22, "font-size": 12 } },
        { selector: "node.ring", style: {
          "width": "data(size)", "height": "data(size)", "background-opacity": 0,
          "border-width": 1, "border-color": "#c9ced6", "border-style": "dashed",
          "label": "", "events": "no", "z-index": 0 } },
        { selector: "node.bridge", style: {
          "border-width": 3, "border-color": "#f0a800", "shape": "diamond" } },
        { selector: "node.dormant", style: { "opacity": 0.4 } },
        { selector: "node.nominal", style: { "opacity": 0.55 } },
        { selector: "edge", style: {
          "width": "data(width)", "line-color": "#9aa3ad", "opacity": 0.35,
          "curve-style": "haystack" } },
        { selector: "edge.ego.strong", style: { "line-color": "#1e4e8c", "opacity": 0.7 } },
        { selector: "edge.ego.dormant", style: { "opacity": 0.12, "line-style": "dashed" } },
        { selector: "edge.ego.nominal", style: { "opacity": 0.1 } },
        { selector: "edge.between", style: { "line-color": "#f0a800", "opacity": 0.8 } }
      ]
    });
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href) {
        window.location.assign(href);
      }
    });
    cy.fit(undefined, 20);
    window.egoGraph = cy;
    box.setAttribute("data-drawn", String(cy.nodes().length - data.rings.length));
  }

  box.hidden = false;
  fetch(box.getAttribute("data-src"), {
    credentials: "same-origin",
    headers: { "Accept": "application/json" }
  }).then(function (response) {
    if (!response.ok) {
      throw new Error("HTTP " + response.status);
    }
    return response.json();
  }).then(draw).catch(function (error) {
    box.hidden = true;
    var note = document.getElementById("ego-graph-error");
    if (note) {
      note.hidden = false;
      note.textContent = note.textContent + " (" + error.message + ")";
    }
  });
}());
