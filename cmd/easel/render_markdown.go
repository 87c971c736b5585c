package main

import (
	"fmt"
	"html"
	"net/url"
	"sort"
	"strings"

	"github.com/easelhq/easel/engine"
)

// commentMarker starts every comment easel renders, so that a CI job can
// find its previous comment and update it rather than add another.
const commentMarker = "<!-- easel:plan -->"

// githubCommentLimit is the most characters GitHub accepts in a comment.
const githubCommentLimit = 65536

// collapseAfter is the number of changes past which the details of each
// change are collapsed under one <details>.
const collapseAfter = 10

// commentOptions tune renderComment.
type commentOptions struct {
	// imageURLBase, when set, is the URL the project directory is served
	// at (a raw file URL of the base branch): the current image of every
	// change is shown from it as a thumbnail.
	imageURLBase string
	// maxChars bounds the comment, in bytes (never fewer characters).
	maxChars int
	budget   budget
}

// renderComment renders a plan as a pull-request comment in GitHub
// Markdown: a headline, the estimated cost, one table row per change, the
// cost by provider and model, then each change's reasons and attribute
// diffs with a thumbnail of its current image. A comment that would pass
// maxChars is cut, with a line that says what was left out.
func renderComment(plan *engine.Plan, o commentOptions) string {
	if o.maxChars <= 0 {
		o.maxChars = githubCommentLimit
	}
	head := commentHead(plan, o)
	foot := commentFoot(plan)
	if len(plan.Changes) == 0 {
		return head + foot
	}
	rows := make([]string, len(plan.Changes))
	details := make([]string, len(plan.Changes))
	for i, c := range plan.Changes {
		rows[i] = commentRow(c)
		details[i] = commentDetail(c, o)
	}
	costs := commentCosts(plan)
	full := assembleComment(head, rows, costs, details, len(details), foot)
	if len(full) <= o.maxChars {
		return full
	}
	return truncatedComment(head, rows, costs, details, foot, o.maxChars)
}

// assembleComment puts the parts together, with the details of the first
// nDetails changes (collapsed when there are many changes).
func assembleComment(head string, rows []string, costs string, details []string, nDetails int, foot string) string {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString("| | Image | Provider / model | Size | Quality | Estimated cost |\n")
	b.WriteString("|:-:|---|---|---|---|--:|\n")
	for _, r := range rows {
		b.WriteString(r)
	}
	b.WriteString("\n")
	b.WriteString(costs)
	if nDetails > 0 {
		collapsed := len(rows) > collapseAfter
		if collapsed {
			fmt.Fprintf(&b, "<details><summary>Details of %s</summary>\n\n", plural(nDetails, "change", "changes"))
		} else {
			b.WriteString("#### Changes\n\n")
		}
		for _, d := range details[:nDetails] {
			b.WriteString(d)
		}
		if collapsed {
			b.WriteString("</details>\n\n")
		}
	}
	b.WriteString(foot)
	return b.String()
}

// truncatedComment keeps every table row it can, then the details of as
// many changes as still fit, and says what it left out.
func truncatedComment(head string, rows []string, costs string, details []string, foot string, limit int) string {
	size := func(nRows, nDetails int) int {
		note := truncationLine(len(rows), nRows, nDetails, limit)
		return len(assembleComment(head, rows[:nRows], costs, details, nDetails, note+foot))
	}
	// The sizes grow with nRows and nDetails: search for the largest
	// numbers that fit.
	nRows := sort.Search(len(rows)+1, func(n int) bool { return size(n, 0) > limit }) - 1
	nRows = max(nRows, 0)
	nDetails := sort.Search(nRows+1, func(n int) bool { return size(nRows, n) > limit }) - 1
	nDetails = max(nDetails, 0)
	return assembleComment(head, rows[:nRows], costs, details, nDetails, truncationLine(len(rows), nRows, nDetails, limit)+foot)
}

// truncationLine says that, and how, a comment was cut.
func truncationLine(total, rows, details, limit int) string {
	return fmt.Sprintf("> [!WARNING]\n> **This comment is truncated** to stay under the %s-character limit of a comment: "+
		"it lists %d of %d changes and shows the details of %d. Run `easel plan` for the whole plan.\n\n",
		thousands(limit), rows, total, details)
}

// thousands writes n with comma separators: 65,536.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// commentHead is the marker, the headline and the cost and budget lines.
func commentHead(plan *engine.Plan, o commentOptions) string {
	var b strings.Builder
	b.WriteString(commentMarker + "\n")
	if len(plan.Changes) == 0 {
		fmt.Fprintf(&b, "### easel plan: no changes\n\n%s up to date.\n\n", plural(plan.Unchanged, "image is", "images are"))
		return b.String()
	}
	fmt.Fprintf(&b, "### easel plan: %s\n\n", countsPhrase(plan))
	pc := costOf(plan)
	if pc.Images > 0 {
		fmt.Fprintf(&b, "**Estimated cost: %s**", formatUSD(pc.known()))
		if pc.Unknown > 0 {
			fmt.Fprintf(&b, " + %s with unknown price", plural(pc.Unknown, "image", "images"))
		}
		fmt.Fprintf(&b, " for %s.", plural(pc.Images, "generated image", "generated images"))
	} else {
		b.WriteString("**Estimated cost: $0.00**: nothing is generated.")
	}
	if o.budget.USD > 0 {
		verdict := "is within"
		if pc.USD > o.budget.USD+1e-9 {
			verdict = "**exceeds**"
		}
		fmt.Fprintf(&b, " This %s the budget of %s.", verdict, mdText(o.budget.String()))
	}
	b.WriteString("\n\n")
	return b.String()
}

// countsPhrase is "1 to create, 2 to regenerate, 1 drifted": only the
// actions present.
func countsPhrase(plan *engine.Plan) string {
	n := planCounts(plan)
	var parts []string
	for _, a := range actionOrder {
		if n[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d to %s", n[a], a))
		}
	}
	if n[engine.Drift] > 0 {
		parts = append(parts, fmt.Sprintf("%d drifted", n[engine.Drift]))
	}
	return strings.Join(parts, ", ")
}

// commentRow is a change's row in the table.
func commentRow(c *engine.Change) string {
	cost, model, size, quality := "–", mdCell(modelName(c.Provider, c.Model)), mdCell(c.Size), mdCell(c.Quality)
	if c.Action.Generates() {
		cost = formatUSD(c.Estimate.USD)
	} else {
		size, quality = "", ""
	}
	return fmt.Sprintf("| `%s` %s | %s | %s | %s | %s | %s |\n", c.Action.Symbol(), c.Action, mdCode(c.Address), model, size, quality, cost)
}

// commentCosts is the cost by provider and model, when there are several.
func commentCosts(plan *engine.Plan) string {
	pc := costOf(plan)
	if len(pc.Groups) < 2 {
		return ""
	}
	var b strings.Builder
	b.WriteString("| Provider / model | Images | Estimated cost |\n|---|--:|--:|\n")
	for _, g := range pc.Groups {
		fmt.Fprintf(&b, "| %s | %d | %s |\n", mdCell(g.Name), g.Images, g)
	}
	fmt.Fprintf(&b, "| **Total** | **%d** | **%s** |\n\n", pc.Images, pc.costGroup)
	return b.String()
}

// commentDetail is one change's section: its headline, a thumbnail of
// its current image, and its reasons with attribute diffs.
func commentDetail(c *engine.Change, o commentOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**`%s` %s** %s", c.Action.Symbol(), mdCode(c.Address), c.Action)
	if c.Action.Generates() {
		fmt.Fprintf(&b, " · %s · %s", mdText(describe(c)), formatUSD(c.Estimate.USD))
	}
	b.WriteString("\n\n")
	if src := thumbnailURL(c, o.imageURLBase); src != "" {
		fmt.Fprintf(&b, "<img src=\"%s\" alt=\"current %s\" width=\"160\">\n\n", html.EscapeString(src), html.EscapeString(c.Address))
	}
	for _, r := range c.Reasons {
		fmt.Fprintf(&b, "- %s\n", commentReason(r))
	}
	for _, w := range c.Warnings {
		fmt.Fprintf(&b, "- :warning: %s\n", mdText(w))
	}
	b.WriteString("\n")
	return b.String()
}

// commentReason renders a reason; an attribute change shows both values,
// or a word diff for long ones.
func commentReason(r engine.Reason) string {
	ac, ok := attributeChange(r)
	switch {
	case r.Kind == engine.ReasonNew:
		return "new image"
	case !ok:
		return mdText(r.Message)
	case ac.words != nil:
		diff := renderOps(ac.words, mdText,
			func(s string) string { return "<del>" + mdText(s) + "</del>" },
			func(s string) string { return "<ins>" + mdText(s) + "</ins>" })
		return fmt.Sprintf("**%s**: <code>%s</code>", mdText(ac.name), diff)
	}
	return fmt.Sprintf("**%s**: <code>%s</code> → <code>%s</code>", mdText(ac.name), mdText(ac.old), mdText(ac.new))
}

// thumbnailURL is where the current image of a change is served, or ""
// when there is no base URL or no current image (a new one).
func thumbnailURL(c *engine.Change, base string) string {
	path := c.Output
	if c.PrevOutput != "" {
		path = c.PrevOutput
	}
	if base == "" || c.Action == engine.Create || path == "" {
		return ""
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.TrimRight(base, "/") + "/" + strings.Join(segs, "/")
}

// commentFoot ends a comment with what applying the plan will do.
func commentFoot(plan *engine.Plan) string {
	if !plan.HasChanges() {
		return "<sub>Rendered by easel.</sub>\n"
	}
	return fmt.Sprintf("<sub>Rendered by easel from plan %s. Applying it generates %s.</sub>\n",
		mdCode(shortFingerprint(plan.Fingerprint)), plural(costOf(plan).Images, "image", "images"))
}

func shortFingerprint(fp string) string {
	if len(fp) > len("sha256:")+12 {
		return fp[:len("sha256:")+12]
	}
	return fp
}

// mdText escapes text for Markdown: the HTML special characters <, > and
// &, and the punctuation that would start emphasis, links, code, a
// heading or a table cell. An @ is followed by a word joiner so that a
// prompt never mentions anyone.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '@':
			b.WriteString("@\u2060")
		case '\n', '\r':
			b.WriteByte(' ')
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCell is text for a table cell.
func mdCell(s string) string { return mdText(s) }

// mdCode is a code span; a backtick inside becomes a quote.
func mdCode(s string) string {
	return "`" + strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "|", "\\|") + "`"
}
