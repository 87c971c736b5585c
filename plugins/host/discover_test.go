package host

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	selfSumOnce sync.Once
	selfSum     string
	selfSumErr  error
)

// testBinarySum is the checksum of this test binary, which serves as every
// third-party provider here (computed once per run).
func testBinarySum(t *testing.T) string {
	selfSumOnce.Do(func() { selfSum, selfSumErr = fileChecksum(os.Args[0]) })
	if selfSumErr != nil {
		t.Fatal(selfSumErr)
	}
	return selfSum
}

// installProvider links this test binary as easel-provider-NAME in dir.
func installProvider(t *testing.T, dir, name string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, BinaryPrefix+name)
	if err := os.Symlink(self, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	sum := testBinarySum(t)
	tests := []struct {
		name      string
		inProject bool
		onPath    bool
		wantDir   string // "project" or "path"
		wantErr   []string
	}{
		{name: "in .easel/plugins", inProject: true, wantDir: "project"},
		{name: "on PATH", onPath: true, wantDir: "path"},
		{name: "project first", inProject: true, onPath: true, wantDir: "project"},
		{name: "nowhere", wantErr: []string{"easel-provider-thirdparty", ".easel/plugins", "on PATH", `run "easel init"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			binDir := t.TempDir()
			env := map[string]string{"PATH": "/nonexistent" + string(filepath.ListSeparator) + binDir}
			opts, _ := testOptions(t, env)
			dirs := map[string]string{"project": filepath.Join(opts.ProjectDir, ".easel", "plugins"), "path": binDir}
			if tc.inProject {
				installProvider(t, dirs["project"], "thirdparty")
			}
			if tc.onPath {
				installProvider(t, dirs["path"], "thirdparty")
			}
			path, gotSum, err := New(opts).Discover("thirdparty")
			if tc.wantErr != nil {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("Discover error = %v, want ErrNotFound", err)
				}
				for _, s := range tc.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(dirs[tc.wantDir], BinaryPrefix+"thirdparty"); path != want || gotSum != sum {
				t.Errorf("Discover = %s, %s; want %s, %s", path, gotSum, want, sum)
			}
		})
	}
}

func TestStartThirdParty(t *testing.T) {
	t.Parallel()
	sum := testBinarySum(t)
	wrong := "sha256:" + strings.Repeat("0", 64)
	tests := []struct {
		name     string
		pins     map[string]string
		override bool
		wantErr  []string
		wantLog  string
	}{
		{name: "pinned", pins: map[string]string{"thirdparty": sum}},
		{name: "pin missing", wantErr: []string{`provider "thirdparty"`, "no checksum pinned", `run "easel init"`}},
		{name: "pin mismatch", pins: map[string]string{"thirdparty": wrong},
			wantErr: []string{"checksum mismatch", wrong, sum, "refusing to run it"}},
		{name: "developer override skips the pin", pins: map[string]string{"thirdparty": wrong}, override: true,
			wantLog: "checksum is not verified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			opts, logs := testOptions(t, env)
			path := installProvider(t, filepath.Join(opts.ProjectDir, ".easel", "plugins"), "thirdparty")
			if tc.override {
				// The override points at a build outside the search path.
				if err := os.Rename(path, path+"-dev"); err != nil {
					t.Fatal(err)
				}
				env["EASEL_PROVIDER_PATH_THIRDPARTY"] = path + "-dev"
			}
			opts.Pins = tc.pins
			h := newTestHost(t, opts)
			p, err := h.Start(testContext(t), "thirdparty")
			if tc.wantErr != nil {
				if err == nil {
					t.Fatal("Start succeeded, want it refused")
				}
				for _, s := range tc.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s, err := p.GetSchema(testContext(t)); err != nil || s.Version != "1.2.3" {
				t.Errorf("GetSchema = %+v, %v", s, err)
			}
			if !strings.Contains(logs.String(), tc.wantLog) {
				t.Errorf("log does not contain %q:\n%s", tc.wantLog, logs)
			}
		})
	}
}

func TestStartUnknownProvider(t *testing.T) {
	t.Parallel()
	opts, _ := testOptions(t, map[string]string{"PATH": t.TempDir()})
	_, err := newTestHost(t, opts).Start(testContext(t), "nope")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "easel init") {
		t.Errorf("Start = %v, want ErrNotFound telling to run easel init", err)
	}
}

func TestStartAfterClose(t *testing.T) {
	t.Parallel()
	opts, _ := testOptions(t, nil)
	h := New(opts)
	p := startProvider(t, h, "bare")
	h.Close()
	if _, err := p.GetSchema(testContext(t)); err == nil {
		t.Error("GetSchema on a provider of a closed host succeeded")
	}
	if _, err := h.Start(testContext(t), "bare"); !errors.Is(err, ErrClosed) {
		t.Errorf("Start after Close = %v, want ErrClosed", err)
	}
}

func TestStartHonoursContext(t *testing.T) {
	t.Parallel()
	opts, _ := testOptions(t, nil)
	h := newTestHost(t, opts)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := h.Start(ctx, "fake"); !errors.Is(err, context.Canceled) {
		t.Errorf("Start with a cancelled context = %v, want context.Canceled", err)
	}
	h.Close() // waits for the abandoned start to be killed
}
