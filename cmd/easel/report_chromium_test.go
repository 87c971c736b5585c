package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium finds a headless-capable Chromium: $CHROMIUM, or Debian's
// chromium (or chromium-browser) on PATH. In CI (CI set) it must exist:
// .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; CI must run this test (.ci/run installs Debian's chromium)")
	}
	t.Skip("chromium is not installed (apt-get install chromium); CI runs this test")
	return ""
}

// headless runs Chromium on a file:// page with every background network
// feature off and returns what it printed on stdout, failing the test on
// any console message (errors, uncaught exceptions, refused loads).
func headless(t *testing.T, chrome, page string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a guard against a hung browser, not a timing
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
		"--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	cmd := exec.CommandContext(ctx, chrome, append(append(base, args...), "file://"+page)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "Uncaught") {
			t.Errorf("console message from the report: %s", line)
		}
	}
	return stdout.String()
}

// reportProject applies a small project twice (the second time with an
// edited prompt, a new image and a removed one) and writes the report of
// the last apply. It returns the report's path.
func reportProject(t *testing.T) string {
	t.Helper()
	exe := lookPath("easel", os.Getenv("PATH"))
	if exe == "" {
		t.Fatal("easel is not on PATH; TestMain installs it")
	}
	dir := t.TempDir()
	write := func(src string) {
		if err := os.WriteFile(filepath.Join(dir, "main.easel.hcl"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	easel := func(args ...string) {
		cmd := exec.Command(exe, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0", "NO_COLOR=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("easel %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	const keep = `image "hero" {
  prompt = "Poster: the mascot %s, <b>flat</b> & vector"
  size   = "1200x500"
  output = "assets/hero.png"
}
`
	write(strings.Replace(keep, "%s", "in the centre", 1) + `image "old" {
  prompt = "to be removed"
  size   = "300x200"
  output = "assets/old.jpg"
}
`)
	easel("apply", "-auto-approve")
	write(strings.Replace(keep, "%s", "on the left", 1) + `image "sticker" {
  prompt = "A round sticker"
  size   = "400x400"
  output = "assets/sticker.webp"
}
`)
	easel("apply", "-auto-approve")
	easel("report", "-last-apply", "-out", "report.html")
	return filepath.Join(dir, "report.html")
}

// TestReportInChromium opens the HTML report in headless Chromium: it
// loads with no console message and its script runs, it shows a card per
// change, the status filter in the address hides the others, and a
// phone-sized screenshot is taken (kept with the test's temp files; set
// EASEL_REPORT_SCREENSHOT to copy it somewhere to look at).
func TestReportInChromium(t *testing.T) {
	chrome := chromium(t)
	page := reportProject(t)

	dom := headless(t, chrome, page, "--dump-dom")
	if !strings.Contains(dom, `data-ready="1"`) {
		t.Fatalf("the report's script did not run: no data-ready on <body>:\n%s", firstLines(dom, 20))
	}
	cards := regexp.MustCompile(`<article class="card[^"]*" data-status="([a-z]+)"( hidden="")?`).FindAllStringSubmatch(dom, -1)
	if got, want := statusesOf(cards, false), "regenerate delete create"; got != want {
		t.Errorf("cards shown without a filter (by address): %q; want %q", got, want)
	}
	if !strings.Contains(dom, "Showing 3 of 3 changes") {
		t.Errorf("the status line does not say all 3 changes are shown")
	}
	if !strings.Contains(dom, "<del>in</del><ins>on</ins> the <del>centre</del><ins>left</ins>, &lt;b&gt;flat&lt;/b&gt; &amp; vector") {
		t.Errorf("the prompt diff is missing or not escaped")
	}
	if n := strings.Count(dom, `<img src="data:image/`); n != 4 {
		t.Errorf("%d embedded images; want 4 (hero before and after, old before, sticker after)", n)
	}

	filtered := headless(t, chrome, page+"#status=create", "--dump-dom")
	cards = regexp.MustCompile(`<article class="card[^"]*" data-status="([a-z]+)"( hidden="")?`).FindAllStringSubmatch(filtered, -1)
	if got := statusesOf(cards, false); got != "create" {
		t.Errorf("cards shown with #status=create: %q; want only create", got)
	}
	if got := statusesOf(cards, true); got != "regenerate delete" {
		t.Errorf("cards hidden with #status=create: %q; want the two others", got)
	}
	if len(cards) != 3 || !strings.Contains(filtered, `data-filter="create"`) || !strings.Contains(filtered, "Showing 1 of 3 changes (create)") {
		t.Errorf("the filter was not applied from the address")
	}

	shot := filepath.Join(t.TempDir(), "report-phone.png")
	headless(t, chrome, page, "--screenshot="+shot, "--window-size=390,844")
	checkScreenshot(t, shot, 390, 844)
	if dst := os.Getenv("EASEL_REPORT_SCREENSHOT"); dst != "" {
		data, _ := os.ReadFile(shot)
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Logf("screenshot: %s", shot)
}

// statusesOf lists the statuses of the cards that are (or are not) hidden.
func statusesOf(cards [][]string, hidden bool) string {
	var out []string
	for _, c := range cards {
		if (c[2] != "") == hidden {
			out = append(out, c[1])
		}
	}
	return strings.Join(out, " ")
}

// checkScreenshot checks that the screenshot is a PNG of the window's
// size and not a blank page.
func checkScreenshot(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("the screenshot is %dx%d; want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	colours := map[uint32]bool{}
	for y := 0; y < img.Bounds().Dy(); y += 7 {
		for x := 0; x < img.Bounds().Dx(); x += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[r>>12<<8|g>>12<<4|b>>12] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("the screenshot has %d colours: the page looks blank", len(colours))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
