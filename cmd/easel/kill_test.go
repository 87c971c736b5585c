package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/lockfile"
)

// slowImages is how many images the interruption tests generate; each
// takes the placeholder's simulated latency, two at a time, so an apply
// is still running long after its first image is done.
const slowImages = 12

// slowParallelism is the -parallelism of the interrupted applies.
const slowParallelism = 2

// slowProject writes a project of slowImages slow placeholder images.
func slowProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	fmt.Fprintf(&b, "image \"slow\" {\n  count   = %d\n  prompt  = \"slow ${count.index}\"\n", slowImages)
	b.WriteString("  size    = \"32x32\"\n  latency = \"400ms\"\n  output  = \"out/slow-${count.index}.png\"\n}\n")
	if err := os.WriteFile(filepath.Join(dir, "main.easel.hcl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startApply starts `easel apply` in dir in its own process group and
// returns it with its stdout, once the first image is reported done.
func startApply(t *testing.T, dir string) (*exec.Cmd, *bufio.Scanner, []string) {
	t.Helper()
	exe := lookPath("easel", os.Getenv("PATH"))
	if exe == "" {
		t.Fatal("easel is not on PATH; TestMain installs it")
	}
	cmd := exec.Command(exe, "apply", "-auto-approve", "-parallelism", fmt.Sprint(slowParallelism))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0", "NO_COLOR=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }) // provider processes left behind
	sc := bufio.NewScanner(out)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.Contains(sc.Text(), ": created (") {
			return cmd, sc, lines
		}
	}
	_ = cmd.Wait()
	t.Fatalf("apply ended before creating an image:\n%s", strings.Join(lines, "\n"))
	return nil, nil, nil
}

// checkConsistent checks what an interrupted apply left: a lockfile that
// loads, whose every image is on disk with its recorded hash, and only
// complete images. Temp files of interrupted writes are invisible to users
// and allowed only when allowTemps is set (a SIGKILL can leave one; the
// next run removes it). It returns how many images the lockfile records.
func checkConsistent(t *testing.T, dir string, allowTemps bool) int {
	t.Helper()
	lf, diags := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if diags.HasErrors() {
		t.Fatalf("the lockfile does not load: %s", diags.Error())
	}
	for _, img := range lf.Images {
		sum, _, err := fsx.HashFile(filepath.Join(dir, img.Output))
		if err != nil || sum != img.SHA256 {
			t.Errorf("%s: the output %s does not match the lockfile (%v)", img.Address, img.Output, err)
		}
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || d.IsDir():
			return err
		case fsx.IsTemp(d.Name()) && allowTemps:
			return nil
		case fsx.IsTemp(d.Name()) && !allowTemps:
			return fmt.Errorf("temp file left behind: %s", path)
		case filepath.Ext(path) == ".png":
			return decodes(path)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	return len(lf.Images)
}

func decodes(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, _, err := imagefmt.Decode(f); err != nil {
		return fmt.Errorf("partial output %s: %w", path, err)
	}
	return nil
}

var createdRe = regexp.MustCompile(`(?m)^(image\.\S+): created \(`)

// created returns the addresses an apply's output reports created.
func created(out string) map[string]bool {
	set := map[string]bool{}
	for _, m := range createdRe.FindAllStringSubmatch(out, -1) {
		set[m[1]] = true
	}
	return set
}

// applyAgain runs a complete apply and returns the images it created.
func applyAgain(t *testing.T, dir string) map[string]bool {
	t.Helper()
	cmd := exec.Command(lookPath("easel", os.Getenv("PATH")), "apply", "-auto-approve")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0", "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("apply after the interruption: %v\n%s", err, out)
	}
	return created(string(out))
}

// checkResumed checks that a second apply generated only what the
// interrupted one had not: nothing it reported created is generated again,
// and the rest is, except the few (at most one per parallel slot) that it
// had saved but not reported yet when it died.
func checkResumed(t *testing.T, first, second map[string]bool) {
	t.Helper()
	for addr := range second {
		if first[addr] {
			t.Errorf("%s was generated again, though the interrupted apply had reported it created", addr)
		}
	}
	if unreported := slowImages - len(first) - len(second); unreported < 0 || unreported > slowParallelism {
		t.Errorf("the two applies created %d + %d images of %d", len(first), len(second), slowImages)
	}
}

func TestSIGKILLMidApply(t *testing.T) {
	dir := slowProject(t)
	cmd, sc, lines := startApply(t, dir)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	_ = cmd.Wait()
	first := created(strings.Join(lines, "\n"))
	if len(first) >= slowImages {
		t.Fatalf("all %d images were created: the kill came too late to test anything", len(first))
	}
	checkConsistent(t, dir, true)
	checkResumed(t, first, applyAgain(t, dir))
	if n := checkConsistent(t, dir, false); n != slowImages {
		t.Errorf("after the second apply the lockfile records %d images; want %d", n, slowImages)
	}
}

func TestInterruptMidApply(t *testing.T) {
	dir := slowProject(t)
	cmd, sc, lines := startApply(t, dir)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	err := cmd.Wait()
	out := strings.Join(lines, "\n")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
		t.Errorf("exit: %v; want status %d\n%s", err, exitInterrupted, out)
	}
	for _, want := range []string{
		`(?m)^Interrupted: finishing [0-9]+ running images?; press Ctrl-C again to cancel them\.$`,
		`(?m)^Apply interrupted: [0-9]+ created, [0-9]+ not started\.$`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output does not match %s:\n%s", want, out)
		}
	}
	first := created(out)
	if recorded := checkConsistent(t, dir, false); recorded != len(first) {
		t.Errorf("%d images were reported created but the lockfile records %d", len(first), recorded)
	}
	checkResumed(t, first, applyAgain(t, dir))
}
