package examples

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

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
	os.WriteFile(filepath.Join(plugins, "easel-provider-solid"), append(bin, 0), 0o755)
	os.WriteFile(filepath.Join(dir, "main.easel.hcl"), []byte(strings.Replace(solidConfig, "#ff8800", "#0088ff", 1)), 0o644)
	if out, code := easel(t, dir, "apply", "-auto-approve"); code != 1 || !strings.Contains(out, "checksum") {
		t.Fatalf("a tampered provider must be refused; exit %d:\n%s", code, out)
	}

	// A config mistake in a provider attribute is caught at plan time.
	os.WriteFile(filepath.Join(plugins, "easel-provider-solid"), bin, 0o755)
	os.WriteFile(filepath.Join(dir, "main.easel.hcl"), []byte(strings.Replace(solidConfig, "#ff8800", "orange", 1)), 0o644)
	if out, code := easel(t, dir, "plan"); code != 1 || !strings.Contains(out, "main.easel.hcl line 11") || !strings.Contains(out, "Invalid color") {
		t.Fatalf("want an invalid colour diagnostic at main.easel.hcl line 11; exit %d:\n%s", code, out)
	}
}
