package main

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
)

// reportPage is the data of an HTML report.
type reportPage struct {
	Title    string
	Subtitle string
	Summary  string
	Cards    []reportCard
}

// reportCard is one changed image.
type reportCard struct {
	Address string
	Status  string // the action, or failed or skipped (last apply)
	Symbol  string
	Model   string // provider/model size quality
	Cost    string
	Prompt  template.HTML // escaped; <del> and <ins> mark a changed prompt
	Reasons []string
	Error   string
	Before  reportImage
	After   reportImage
}

// statusOrder is the order of the filter buttons.
var statusOrder = []string{"create", "regenerate", "move", "restore", "delete", "drift", "failed", "skipped"}

type statusCount struct {
	Status string
	Count  int
}

// Statuses counts the cards of each status present, in statusOrder.
func (p *reportPage) Statuses() []statusCount {
	n := map[string]int{}
	for _, c := range p.Cards {
		n[c.Status]++
	}
	var out []statusCount
	for _, s := range statusOrder {
		if n[s] > 0 {
			out = append(out, statusCount{s, n[s]})
		}
	}
	return out
}

// statusSummary is "2 regenerate, 1 create" over the cards.
func statusSummary(cards []reportCard) string {
	if len(cards) == 0 {
		return "no changes"
	}
	p := reportPage{Cards: cards}
	var parts []string
	for _, sc := range p.Statuses() {
		parts = append(parts, fmt.Sprintf("%d %s", sc.Count, sc.Status))
	}
	return strings.Join(parts, ", ")
}

func (p *reportPage) render() ([]byte, error) {
	var b bytes.Buffer
	if err := reportTemplate.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("rendering the report: %w", err)
	}
	return b.Bytes(), nil
}

var reportTemplate = template.Must(template.New("report").Parse(reportHTML))

// reportHTML is the page: inline CSS and JavaScript, no external
// resource; the Content-Security-Policy forbids any network request.
const reportHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: file: 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{{.Title}} · {{len .Cards}} changes</title>
<style>` + reportCSS + `</style>
</head>
<body>
<header class="top">
<h1>{{.Title}}</h1>
{{with .Subtitle}}<p class="sub">{{.}}</p>{{end}}
<p class="sum">{{.Summary}}</p>
<nav class="filters" aria-label="Filter by status">
<a href="#status=all" data-status="all">all <b>{{len .Cards}}</b></a>
{{- range .Statuses}}
<a href="#status={{.Status}}" data-status="{{.Status}}" class="s-{{.Status}}">{{.Status}} <b>{{.Count}}</b></a>
{{- end}}
</nav>
<p id="shown" role="status" aria-live="polite"></p>
</header>
<main id="cards">
{{- if not .Cards}}
<p class="empty">No changes: every image is up to date.</p>
{{- end}}
{{- range .Cards}}
<article class="card s-{{.Status}}" data-status="{{.Status}}">
<header>
<span class="badge">{{.Symbol}} {{.Status}}</span>
<h2>{{.Address}}</h2>
{{with .Cost}}<span class="cost">{{.}}</span>{{end}}
</header>
{{with .Model}}<p class="meta">{{.}}</p>{{end}}
<div class="pair">
{{template "image" .Before}}
{{template "image" .After}}
</div>
{{with .Prompt}}<p class="prompt"><span class="label">Prompt</span> {{.}}</p>{{end}}
{{with .Error}}<p class="error">{{.}}</p>{{end}}
{{with .Reasons}}<ul class="reasons">{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
</article>
{{- end}}
</main>
<footer><p>Made by easel. This page loads nothing from the network.</p></footer>
<script>` + reportJS + `</script>
</body>
</html>
{{define "image"}}<figure>
{{- if .Src}}<img src="{{.Src}}" alt="{{.Caption}}"{{if .Width}} width="{{.Width}}" height="{{.Height}}"{{end}}>
{{- else}}<div class="none"{{if .Width}} style="aspect-ratio: {{.Width}} / {{.Height}}"{{end}}>{{.Note}}</div>{{end}}
<figcaption>{{.Caption}}{{if and .Src .Note}} · {{.Note}}{{end}}</figcaption>
</figure>{{end}}
`

const reportCSS = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --ink: #1b1f24; --mute: #5b6470; --line: #d8dde3;
  --create: #1a7f37; --regenerate: #9a6700; --move: #0969da; --restore: #0969da; --delete: #cf222e; --drift: #8250df;
  --failed: #cf222e; --skipped: #6e7781; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --card: #161b22; --ink: #e6edf3; --mute: #9aa5b1; --line: #30363d;
  --create: #3fb950; --regenerate: #d29922; --move: #58a6ff; --restore: #58a6ff; --delete: #f85149; --drift: #bc8cff;
  --failed: #f85149; --skipped: #8b949e; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
.top { padding: 16px; border-bottom: 1px solid var(--line); background: var(--card); position: sticky; top: 0; z-index: 1; }
h1 { margin: 0; font-size: 20px; }
.sub, .sum, #shown { margin: 4px 0; color: var(--mute); }
.filters { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
.filters a { padding: 4px 10px; border: 1px solid var(--line); border-radius: 999px; color: var(--ink); text-decoration: none; font-size: 14px; }
.filters a b { font-weight: 600; color: var(--mute); }
.filters a.on { background: var(--ink); color: var(--card); border-color: var(--ink); }
.filters a.on b { color: var(--card); }
main { display: grid; align-items: start; gap: 16px; padding: 16px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--c, var(--line)); border-radius: 8px; padding: 12px; min-width: 0; }
.card[hidden] { display: none; }
.card header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px; }
.card h2 { margin: 0; font: 600 15px/1.3 ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; flex: 1 1 auto; }
.badge { color: var(--c); font: 600 13px ui-monospace, SFMono-Regular, Menlo, monospace; white-space: nowrap; }
.cost { color: var(--mute); font-size: 13px; white-space: nowrap; }
.meta { margin: 4px 0 8px; color: var(--mute); font-size: 13px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
figure { margin: 0; min-width: 0; }
figure img { display: block; width: 100%; height: auto; border-radius: 4px; background: repeating-conic-gradient(#8883 0 25%, transparent 0 50%) 0 0 / 16px 16px; }
.none { display: flex; align-items: center; justify-content: center; text-align: center; aspect-ratio: 4 / 3; max-height: 60vh; padding: 8px;
  border: 1px dashed var(--line); border-radius: 4px; color: var(--mute); font-size: 13px; }
figcaption { margin-top: 4px; color: var(--mute); font-size: 12px; overflow-wrap: anywhere; }
.prompt { margin: 10px 0 0; overflow-wrap: anywhere; }
.label { display: inline-block; margin-right: 4px; color: var(--mute); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
del { color: var(--delete); background: color-mix(in srgb, var(--delete) 12%, transparent); }
ins { color: var(--create); background: color-mix(in srgb, var(--create) 14%, transparent); text-decoration: none; }
.reasons { margin: 8px 0 0; padding-left: 18px; color: var(--mute); font-size: 13px; overflow-wrap: anywhere; }
.error { margin: 8px 0 0; color: var(--failed); overflow-wrap: anywhere; }
.empty { color: var(--mute); }
footer { padding: 0 16px 24px; color: var(--mute); font-size: 12px; }
.s-create { --c: var(--create); } .s-regenerate { --c: var(--regenerate); } .s-move { --c: var(--move); }
.s-restore { --c: var(--restore); } .s-delete { --c: var(--delete); } .s-drift { --c: var(--drift); }
.s-failed { --c: var(--failed); } .s-skipped { --c: var(--skipped); }
.filters a.s-create b, .filters a.s-regenerate b, .filters a.s-delete b { color: var(--c); }
@media (max-width: 480px) { main { padding: 8px; gap: 10px; } .top { padding: 12px; position: static; } }
`

// reportJS filters the cards by the status in the address (#status=NAME)
// and marks the page ready (data-ready on <body>) once it has run, which
// the headless-browser test checks.
const reportJS = `
(function () {
  "use strict";
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.card"));
  var links = Array.prototype.slice.call(document.querySelectorAll(".filters a"));
  var shown = document.getElementById("shown");
  function current() {
    var m = /(?:^#|&)status=([a-z-]+)/.exec(location.hash);
    return m ? m[1] : "all";
  }
  function apply() {
    var status = current(), n = 0;
    cards.forEach(function (card) {
      var on = status === "all" || card.getAttribute("data-status") === status;
      card.hidden = !on;
      if (on) { n++; }
    });
    links.forEach(function (a) {
      var on = a.getAttribute("data-status") === status;
      a.classList.toggle("on", on);
      if (on) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
    });
    shown.textContent = "Showing " + n + " of " + cards.length + (cards.length === 1 ? " change" : " changes") +
      (status === "all" ? "" : " (" + status + ")");
    document.body.setAttribute("data-filter", status);
    document.body.setAttribute("data-shown", String(n));
  }
  window.addEventListener("hashchange", apply);
  apply();
  document.body.setAttribute("data-ready", "1");
})();
`
