// Sillok workspace: small progressive enhancements. Everything works without this file.
"use strict";

(function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Document view: clicking a highlight marks every item that covers it, and
  // clicking an item in the list scrolls to its place in the text.
  function documentView() {
    var text = document.getElementById("doc-text");
    if (!text) { return; }
    function clear() {
      document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
    }
    text.addEventListener("click", function (event) {
      var link = event.target.closest("a.hl");
      if (!link) { return; }
      clear();
      link.classList.add("active");
      (link.getAttribute("data-items") || "").trim().split(/\s+/).forEach(function (index) {
        var item = document.getElementById("item-" + index);
        if (item) { item.classList.add("active"); }
      });
    });
    document.querySelectorAll("a.goto").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var start = link.getAttribute("data-start");
        var target = null;
        text.querySelectorAll("a.hl").forEach(function (hl) {
          if (!target && hl.getAttribute("data-items") &&
              hl.getAttribute("data-items").split(" ").indexOf(link.parentElement.id.slice(5)) >= 0) {
            target = hl;
          }
        });
        if (target) {
          clear();
          target.classList.add("active");
          link.parentElement.classList.add("active");
          target.scrollIntoView({ block: "center" });
        }
      });
    });
  }

  // Upload: drag and drop, a progress bar, and per-file results without leaving the page.
  function upload() {
    var form = document.getElementById("upload-form");
    if (!form) { return; }
    var drop = document.getElementById("drop");
    var input = document.getElementById("files");
    var chosen = document.getElementById("chosen");
    var progress = document.getElementById("progress");
    var status = document.getElementById("upload-status");
    var result = document.getElementById("upload-result");
    var dropped = null;

    function list(files) {
      chosen.textContent = "";
      Array.prototype.forEach.call(files, function (file) {
        var li = document.createElement("li");
        li.textContent = file.name + " (" + Math.ceil(file.size / 1024) + " KiB)";
        chosen.appendChild(li);
      });
    }
    input.addEventListener("change", function () { dropped = null; list(input.files); });
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      dropped = event.dataTransfer.files;
      list(dropped);
    });

    function cell(row, text) {
      var td = document.createElement("td");
      td.textContent = text == null ? "" : String(text);
      row.appendChild(td);
      return td;
    }
    function show(data) {
      result.textContent = "";
      var h = document.createElement("h2");
      h.textContent = "Result";
      result.appendChild(h);
      var summary = document.createElement("p");
      Object.keys(data.counts).sort().forEach(function (key) {
        var span = document.createElement("span");
        span.className = "badge status-" + key;
        span.textContent = data.counts[key] + " " + key;
        summary.appendChild(span);
        summary.appendChild(document.createTextNode(" "));
      });
      result.appendChild(summary);
      var table = document.createElement("table");
      table.className = "grid results";
      var head = table.createTHead().insertRow();
      ["File", "Status", "Reason", "Document"].forEach(function (name) {
        var th = document.createElement("th");
        th.textContent = name;
        head.appendChild(th);
      });
      var body = table.createTBody();
      data.items.forEach(function (item) {
        var row = body.insertRow();
        row.className = "status-" + item.status;
        cell(row, item.name); cell(row, item.status); cell(row, item.reason);
        var td = cell(row, "");
        if (item.document_id) {
          var a = document.createElement("a");
          a.href = "/documents/" + encodeURIComponent(item.document_id);
          a.textContent = item.document_id.slice(0, 12);
          td.appendChild(a);
        }
      });
      result.appendChild(table);
    }

    form.addEventListener("submit", function (event) {
      var files = dropped || input.files;
      if (!files || !files.length) { return; }
      event.preventDefault();
      var data = new FormData();
      Array.prototype.forEach.call(files, function (file) { data.append("files", file, file.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/upload");
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      progress.hidden = false;
      progress.value = 0;
      status.textContent = "Uploading…";
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          progress.value = Math.round(e.loaded / e.total * 100);
          if (e.loaded === e.total) { status.textContent = "Ingesting and extracting…"; }
        }
      });
      xhr.addEventListener("load", function () {
        progress.value = 100;
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status === 200 && body) {
          status.textContent = "Done: " + body.items.length + " item(s).";
          show(body);
        } else {
          status.textContent = "Upload failed: " + (body && body.error ? body.error : xhr.status);
        }
      });
      xhr.addEventListener("error", function () { status.textContent = "Upload failed: the server did not answer."; });
      xhr.send(data);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    documentView();
    upload();
  });
})();
