package examples

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/plugins/openai"
	_ "golang.org/x/image/webp"
)

// bins holds the binaries built once for all tests.
var bins string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "easel-examples-")
	if err != nil {
		panic(err)
	}
	bins = dir
	for pkg, name := range map[string]string{"../cmd/easel": "easel", "./provider-solid": "easel-provider-solid"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, name), pkg).CombinedOutput()
		if err != nil {
			panic("building " + pkg + ": " + string(out))
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// easel runs the binary in dir and returns its output and exit code.
func easel(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(bins, "easel"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "EASEL_LOG=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("easel %v: %v", args, err)
	}
	return out.String(), code
}

func mustRun(t *testing.T, dir string, want int, args ...string) string {
	t.Helper()
	out, code := easel(t, dir, args...)
	if code != want {
		t.Fatalf("easel %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
	}
	return out
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			if rel == ".easel" || rel == "assets" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if rel == "easel.lock.hcl" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func imageSize(t *testing.T, path string) (string, int, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return format, cfg.Width, cfg.Height
}

func TestQuickstart(t *testing.T) {
	dir := copyDir(t, "quickstart")
	out := mustRun(t, dir, 2, "plan", "-detailed-exitcode")
	if n := strings.Count(out, "  + image."); n != 6 {
		t.Fatalf("first plan lists %d images to create, want 6:\n%s", n, out)
	}
	mustRun(t, dir, 0, "apply", "-auto-approve")
	want := map[string][3]any{
		"assets/winter/mascot.png":    {"png", 512, 512},
		"assets/winter/hero.png":      {"png", 1536, 640},
		"assets/winter/banner-en.jpg": {"jpeg", 1200, 400},
		"assets/winter/banner-de.jpg": {"jpeg", 1200, 400},
		"assets/winter/banner-fr.jpg": {"jpeg", 1200, 400},
		"assets/winter/social.webp":   {"webp", 800, 800},
	}
	for path, w := range want {
		format, width, height := imageSize(t, filepath.Join(dir, path))
		if format != w[0] || width != w[1] || height != w[2] {
			t.Errorf("%s: %s %dx%d, want %v", path, format, width, height, w)
		}
	}
	mustRun(t, dir, 0, "plan", "-detailed-exitcode")
}

const solidConfig = `
easel {
  required_providers {
    solid = { source = "example/solid" }
  }
}

image "swatch" {
  provider = solid
  size     = "40x20"
  color    = "#ff8800"
  output   = "swatch.png"
}
`

func TestThirdPartyProvider(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.easel.hcl"), []byte(solidConfig), 0o644)
	plugins := filepath.Join(dir, ".easel", "plugins")
	os.MkdirAll(plugins, 0o755)
	bin, _ := os.ReadFile(filepath.Join(bins, "easel-provider-solid"))
	os.WriteFile(filepath.Join(plugins, "easel-provider-solid"), bin, 0o755)

	if out, code := easel(t, dir, "plan"); code != 1 || !strings.Contains(out, "easel init") {
		t.Fatalf("an unpinned provider must be refused with a hint to run easel init; exit %d:\n%s", code, out)
	}
	mustRun(t, dir, 0, "init")
	lock, _ := os.ReadFile(filepath.Join(dir, "easel.lock.hcl"))
	if !strings.Contains(string(lock), `provider "solid"`) || !strings.Contains(string(lock), "checksum") {
		t.Fatalf("init did not pin the provider:\n%s", lock)
	}
	mustRun(t, dir, 2, "plan", "-detailed-exitcode")
	mustRun(t, dir, 0, "apply", "-auto-approve")
	f, _ := os.Open(filepath.Join(dir, "swatch.png"))
	img, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if r, g, b, _ := img.At(5, 5).RGBA(); r>>8 != 0xff || g>>8 != 0x88 || b>>8 != 0 || img.Bounds().Dx() != 40 {
		t.Fatalf("swatch is %v at %v, want #ff8800 40x20", img.At(5, 5), img.Bounds())
	}
	mustRun(t, dir, 0, "plan", "-detailed-exitcode")

	// A binary that changed after it was pinned is refused before it runs.
	if err := os.WriteFile(filepath.Join(plugins, "easel-provider-solid"), append(bin, 0), 0o755); err != nil {
		t.Fatal(err) // "text file busy" if the last run left the provider running
	}
	os.WriteFile(filepath.Join(dir, "main.easel.hcl"), []byte(strings.Replace(solidConfig, "#ff8800", "#0088ff", 1)), 0o644)
	if out, code := easel(t, dir, "apply", "-auto-approve"); code != 1 || !strings.Contains(out, "checksum") {
		t.Fatalf("a tampered provider must be refused; exit %d:\n%s", code, out)
	}

	// A config mistake in a provider attribute is caught at plan time.
	if err := os.WriteFile(filepath.Join(plugins, "easel-provider-solid"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "main.easel.hcl"), []byte(strings.Replace(solidConfig, "#ff8800", "orange", 1)), 0o644)
	if out, code := easel(t, dir, "plan"); code != 1 || !strings.Contains(out, "main.easel.hcl line 11") || !strings.Contains(out, "Invalid color") {
		t.Fatalf("want an invalid colour diagnostic at main.easel.hcl line 11; exit %d:\n%s", code, out)
	}
}

// TestMarketingSite plans the campaign offline and checks every image's
// estimate against the openai provider's price table, then applies it
// against an in-process fake OpenAI server and checks what was written.
func TestMarketingSite(t *testing.T) {
	dir := copyDir(t, "marketing-site")
	// Nothing listens on the discard port: plan must not call the API.
	out := mustRun(t, dir, 2, "plan", "-json", "-detailed-exitcode", "-var", "openai_base_url=http://127.0.0.1:9/v1")
	changes := plannedChanges(t, out)
	if len(changes) != 10 {
		t.Fatalf("the plan has %d changes, want 10:\n%s", len(changes), out)
	}
	for _, c := range changes {
		checkEstimate(t, c)
	}

	const key = "sk-example-0123456789"
	fake := fakeapi.NewOpenAI(fakeapi.Config{APIKey: key})
	url := fake.Start(t)
	t.Setenv("OPENAI_API_KEY", key)
	out = mustRun(t, dir, 0, "apply", "-auto-approve", "-var", "openai_base_url="+url)
	if !strings.Contains(out, "Apply complete: 10 created.") || !strings.Contains(out, "(estimated $0.5") {
		t.Fatalf("apply summary:\n%s", out)
	}
	checkCampaign(t, dir)
	// Every image has references, so every call is an edit; the localised
	// heroes carry the mask.
	if s := fake.Stats(); s.Edits != 10 || s.Generations != 0 || s.Images != 10 {
		t.Errorf("the fake saw %d edits and %d generations, returned %d images; want 10 edits", s.Edits, s.Generations, s.Images)
	}
	masks := 0
	for _, r := range fake.Received() {
		if r.Mask != nil {
			masks++
		}
	}
	if masks != 3 {
		t.Errorf("%d requests carried the headline mask, want 3", masks)
	}
	mustRun(t, dir, 0, "plan", "-detailed-exitcode", "-var", "openai_base_url="+url)
}

// plannedChange is a planned_change line of plan -json.
type plannedChange struct {
	Address  string `json:"address"`
	Model    string `json:"model"`
	Size     string `json:"size"`
	Quality  string `json:"quality"`
	Estimate struct {
		USD    *float64 `json:"usd"`
		Detail string   `json:"detail"`
	} `json:"estimate"`
}

func plannedChanges(t *testing.T, out string) []plannedChange {
	t.Helper()
	var changes []plannedChange
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var msg struct {
			Type   string        `json:"type"`
			Change plannedChange `json:"change"`
		}
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			t.Fatalf("plan -json line %q: %v", line, err)
		}
		if msg.Type == "planned_change" {
			changes = append(changes, msg.Change)
		}
	}
	return changes
}

// officialGPTImage2 is OpenAI's per-image price of gpt-image-2 output
// (shared/reference/image-apis.md 1.7, quoting OpenAI's guide).
var officialGPTImage2 = map[string]float64{
	"low 1024x1024": 0.006, "medium 1024x1024": 0.053, "high 1024x1024": 0.211,
	"low 1536x1024": 0.005, "medium 1536x1024": 0.041, "high 1536x1024": 0.165,
}

var (
	promptTokensRE = regexp.MustCompile(`~([\d,]+) prompt tokens`)
	imageTokensRE  = regexp.MustCompile(`~([\d,]+) image tokens`)
)

// checkEstimate checks one image's estimate against the provider's price
// table: the output tokens its table gives for the size and quality (which
// round to OpenAI's published per-image price), plus the prompt and
// reference tokens the estimate names, each at the model's rate.
func checkEstimate(t *testing.T, c plannedChange) {
	t.Helper()
	m, ok := openai.Lookup(c.Model)
	if !ok || c.Model != "gpt-image-2" {
		t.Fatalf("%s: model %q, want gpt-image-2", c.Address, c.Model)
	}
	var w, h int
	if _, err := fmt.Sscanf(c.Size, "%dx%d", &w, &h); err != nil {
		t.Fatalf("%s: size %q: %v", c.Address, c.Size, err)
	}
	outTokens, ok := m.Output.Tokens(c.Quality, w, h)
	if !ok || c.Estimate.USD == nil {
		t.Fatalf("%s: no price for %s %s (estimate %v)", c.Address, c.Quality, c.Size, c.Estimate.USD)
	}
	outUSD := float64(outTokens) * m.ImageOut / 1e6
	if want := officialGPTImage2[c.Quality+" "+c.Size]; math.Round(outUSD*1000)/1000 != want {
		t.Errorf("%s: output priced $%.4f, OpenAI's table says $%.3f", c.Address, outUSD, want)
	}
	prompt, refs := tokensIn(t, promptTokensRE, c.Estimate.Detail), tokensIn(t, imageTokensRE, c.Estimate.Detail)
	if prompt == 0 || refs == 0 {
		t.Errorf("%s: the estimate names no prompt or reference tokens: %s", c.Address, c.Estimate.Detail)
	}
	want := outUSD + (float64(prompt)*m.TextIn+float64(refs)*m.ImageIn)/1e6
	if math.Abs(*c.Estimate.USD-want) > 1e-6 {
		t.Errorf("%s: estimate $%f, want $%f from the table (%d output, %d prompt, %d reference tokens)",
			c.Address, *c.Estimate.USD, want, outTokens, prompt, refs)
	}
}

func tokensIn(t *testing.T, re *regexp.Regexp, detail string) int {
	t.Helper()
	m := re.FindStringSubmatch(detail)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkCampaign checks every output: its format, and its size.
func checkCampaign(t *testing.T, dir string) {
	t.Helper()
	want := map[string][3]any{"hero.png": {"png", 1536, 1024}}
	for _, p := range []string{"daypack", "tent", "mug"} {
		want["products/"+p+".webp"] = [3]any{"webp", 1024, 1024}
	}
	for _, l := range []string{"en", "de", "fr"} {
		want["hero-"+l+".jpg"] = [3]any{"jpeg", 1536, 1024}
		want["social-"+l+".png"] = [3]any{"png", 1024, 1024}
	}
	for path, w := range want {
		format, width, height := imageSize(t, filepath.Join(dir, "assets/autumn-2026", path))
		if format != w[0] || width != w[1] || height != w[2] {
			t.Errorf("%s: %s %dx%d, want %v", path, format, width, height, w)
		}
	}
}

// mixedFake is one vendor's in-process fake for TestMixedModels: the
// variable of its base URL, its key variable, and how many images it made.
type mixedFake struct {
	baseVar, keyEnv, url string
	images               func() int
}

// mixedFakes starts a fake of every service the mixed-models example uses,
// each requiring its own key.
func mixedFakes(t *testing.T) []mixedFake {
	oa := fakeapi.NewOpenAI(fakeapi.Config{APIKey: "sk-mixed-openai-0123456789"})
	oak := fakeapi.NewOakgen(fakeapi.OakgenConfig{APIKey: "oak-mixed-0123456789"})
	bfl := fakeapi.NewBFL(fakeapi.BFLConfig{APIKey: "bfl-mixed-0123456789"})
	gem := fakeapi.NewGemini(fakeapi.GeminiConfig{APIKey: "AIza-mixed-gemini-0123456789"})
	stab := fakeapi.NewStability(fakeapi.StabilityConfig{APIKey: "sk-mixed-stability-0123456789"})
	fakes := []mixedFake{
		{"openai_base_url", "OPENAI_API_KEY=sk-mixed-openai-0123456789", oa.Start(t), func() int { return oa.Stats().Images }},
		{"oakgen_base_url", "OAKGEN_API_KEY=oak-mixed-0123456789", oak.Start(t), func() int { return oak.Stats().Images }},
		{"bfl_base_url", "BFL_API_KEY=bfl-mixed-0123456789", bfl.Start(t), func() int { return bfl.Stats().Images }},
		{"gemini_base_url", "GEMINI_API_KEY=AIza-mixed-gemini-0123456789", gem.Start(t), func() int { return gem.Stats().Images }},
		{"stability_base_url", "STABILITY_API_KEY=sk-mixed-stability-0123456789", stab.Start(t), func() int { return stab.Stats().Images }},
	}
	for _, f := range fakes {
		k, v, _ := strings.Cut(f.keyEnv, "=")
		t.Setenv(k, v)
	}
	return fakes
}

// mixedPlan reads plan -json: each image's provider and estimate, and the
// summary's total.
func mixedPlan(t *testing.T, out string) (map[string]*float64, map[string]string, float64) {
	t.Helper()
	costs, providers, total := map[string]*float64{}, map[string]string{}, -1.0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var msg struct {
			Type   string `json:"type"`
			Change struct {
				Address  string `json:"address"`
				Provider string `json:"provider"`
				Estimate struct {
					USD *float64 `json:"usd"`
				} `json:"estimate"`
			} `json:"change"`
			EstimatedUSD  float64 `json:"estimated_usd"`
			UnknownPrices int     `json:"unknown_prices"`
		}
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			t.Fatalf("plan -json line %q: %v", line, err)
		}
		switch msg.Type {
		case "planned_change":
			costs[msg.Change.Address], providers[msg.Change.Address] = msg.Change.Estimate.USD, msg.Change.Provider
		case "plan_summary":
			if msg.UnknownPrices != 0 {
				t.Errorf("the plan has %d images of unknown price", msg.UnknownPrices)
			}
			total = msg.EstimatedUSD
		}
	}
	return costs, providers, total
}

// TestMixedModels plans the campaign that mixes every image service
// offline, checks that every image has a known cost and that the total is
// their sum, then applies it against in-process fakes of every service.
func TestMixedModels(t *testing.T) {
	dir := copyDir(t, "mixed-models")
	fakes := mixedFakes(t)
	var offline, live []string
	for _, f := range fakes {
		// Nothing listens on the discard port: plan must not call anything.
		offline = append(offline, "-var", f.baseVar+"=http://127.0.0.1:9")
		live = append(live, "-var", f.baseVar+"="+f.url)
	}
	out := mustRun(t, dir, 2, append([]string{"plan", "-json", "-detailed-exitcode"}, offline...)...)
	costs, providers, total := mixedPlan(t, out)
	sum, seen := 0.0, map[string]bool{}
	for addr, usd := range costs {
		seen[providers[addr]] = true
		if usd == nil {
			t.Errorf("%s (%s) has no known cost", addr, providers[addr])
			continue
		}
		sum += *usd
	}
	if len(costs) != 6 || len(seen) != len(fakes) {
		t.Errorf("the plan has %d images from providers %v; want 6 from %d providers", len(costs), seen, len(fakes))
	}
	if math.Abs(sum-total) > 1e-5 || total <= 0 {
		t.Errorf("the plan's total is $%f, the images' costs add up to $%f", total, sum)
	}
	text := mustRun(t, dir, 2, append([]string{"plan", "-detailed-exitcode"}, offline...)...)
	if strings.Contains(text, "unknown") || !strings.Contains(text, fmt.Sprintf("Estimated cost: $%.3f", total)) {
		t.Errorf("the text plan does not price every image and the total $%.3f:\n%s", total, text)
	}

	out = mustRun(t, dir, 0, append([]string{"apply", "-auto-approve"}, live...)...)
	if !strings.Contains(out, "Apply complete: 6 created.") {
		t.Fatalf("apply:\n%s", out)
	}
	want := map[string][3]any{
		"mascot.png": {"png", 1024, 1024}, "hero.png": {"png", 1536, 1024}, "poster.png": {"png", 1536, 1536},
		"banner.jpg": {"jpeg", 1536, 640}, "thumbnail.jpg": {"jpeg", 1024, 1024}, "product.jpg": {"jpeg", 1184, 896},
	}
	for path, w := range want {
		format, width, height := imageSize(t, filepath.Join(dir, "assets/winter", path))
		if format != w[0] || width != w[1] || height != w[2] {
			t.Errorf("%s: %s %dx%d, want %v", path, format, width, height, w)
		}
	}
	for _, f := range fakes {
		if f.images() == 0 {
			t.Errorf("the fake behind %s made no image", f.baseVar)
		}
	}
	mustRun(t, dir, 0, append([]string{"plan", "-detailed-exitcode"}, live...)...)
}
