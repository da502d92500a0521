/* The interactive network graph (Cytoscape.js). The page's table lists the same links, so nothing here is the only way
   to read them. Data comes from the network API (data-graph-url), which applies the same access rules as the page. */
(function () {
  "use strict";

  var KINDS = {
    child: { colour: "#1d70b8", shape: "ellipse" },
    person: { colour: "#d4351c", shape: "rectangle" },
    place: { colour: "#00703c", shape: "triangle" },
    group: { colour: "#4c2c92", shape: "diamond" },
    vehicle: { colour: "#b58840", shape: "pentagon" },
    online_identity: { colour: "#912b88", shape: "hexagon" }
  };
  var MASKED = "#b1b4b6";

  function styles(showEdgeLabels) {
    var list = [
      {
        selector: "node",
        style: {
          label: "data(label)", "font-size": 11, "font-family": "Arial, sans-serif", color: "#0b0c0c",
          "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "wrap", "text-max-width": 130,
          "text-background-color": "#ffffff", "text-background-opacity": 0.85, "text-background-padding": 2,
          width: 30, height: 30, "border-width": 1, "border-color": "#0b0c0c"
        }
      },
      { selector: "node[?masked]", style: { "background-color": MASKED, "border-style": "dashed" } },
      { selector: "node[?focus]", style: { width: 46, height: 46, "border-width": 4, "font-weight": "bold" } },
      {
        selector: "edge",
        style: {
          width: 2, "line-color": "#505a5f", "curve-style": "bezier", "font-size": 9, color: "#0b0c0c",
          "text-rotation": "autorotate", "text-background-color": "#ffffff", "text-background-opacity": 0.85,
          label: showEdgeLabels ? "data(label)" : ""
        }
      },
      { selector: 'edge[strength != "strong"]', style: { "line-style": "dashed" } },
      { selector: "edge[?on_path]", style: { width: 6, "line-color": "#f47738", "line-style": "solid" } }
    ];
    Object.keys(KINDS).forEach(function (kind) {
      list.splice(1, 0, {
        selector: 'node[kind = "' + kind + '"]',
        style: { "background-color": KINDS[kind].colour, shape: KINDS[kind].shape }
      });
    });
    return list;
  }

  function elements(data) {
    var out = [];
    data.nodes.forEach(function (n) {
      out.push({ group: "nodes", data: { id: n.id, label: n.label, kind: n.kind, masked: n.masked, href: n.href || "",
        focus: n.focus } });
    });
    data.edges.forEach(function (e) {
      out.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target,
        label: e.label + " (" + e.grading + ")", strength: e.strength, on_path: e.on_path } });
    });
    return out;
  }

  function enableDownload(cy) {
    var button = document.querySelector("[data-network-download]");
    if (!button) { return; }
    button.disabled = false;
    button.addEventListener("click", function () {
      var link = document.createElement("a");
      link.href = cy.png({ full: true, bg: "#ffffff", scale: 2 });
      link.download = button.getAttribute("data-network-download");
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  function layout(data) {
    if (data.nodes.length <= 1) {
      return { name: "grid", padding: 30 };
    }
    if (data.focus && data.nodes.length <= 30) {
      // the page's record in the middle, each further step of links on a wider ring
      return { name: "breadthfirst", roots: "#" + data.focus, circle: true, spacingFactor: 1.1, padding: 40,
        avoidOverlap: true, animate: false };
    }
    return { name: "cose", animate: false, randomize: true, nodeRepulsion: 400000, idealEdgeLength: 120,
      nodeOverlap: 40, gravity: 0.2, numIter: 2000, componentSpacing: 80, padding: 40 };
  }

  function draw(container, data) {
    container.innerHTML = "";
    var cy = window.cytoscape({
      container: container,
      elements: elements(data),
      style: styles(data.edges.length <= 40),
      layout: layout(data),
      minZoom: 0.2,
      maxZoom: 3,
      wheelSensitivity: 0.2
    });
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href) { window.location.href = href; }
    });
    enableDownload(cy);
    container.setAttribute("data-ready", "true");
    window.safehubNetwork = cy;
  }

  function fail(container) {
    container.innerHTML = '<p class="govuk-body">The graph could not be drawn. The links are listed in the table below.</p>';
    container.setAttribute("data-ready", "failed");
  }

  function init() {
    var container = document.getElementById("network-graph");
    if (!container || !window.cytoscape || !window.fetch) { return; }
    window.fetch(container.getAttribute("data-graph-url"), { credentials: "same-origin",
      headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { draw(container, data); })
      .catch(function () { fail(container); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
