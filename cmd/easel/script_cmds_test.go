package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/lockfile"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/zclconf/go-cty/cty"
)

type scriptCmd = func(ts *testscript.TestScript, neg bool, args []string)

// scriptCommands are the custom commands of the testscript scripts.
func scriptCommands() map[string]scriptCmd {
	return map[string]scriptCmd{
		"exitcode":   cmdExitCode,
		"imgsize":    cmdImgSize,
		"mkpng":      cmdMkPNG,
		"lockget":    cmdLockGet,
		"lockdiff":   cmdLockDiff,
		"snapshot":   cmdSnapshot,
		"touch":      cmdTouch,
		"notemps":    cmdNoTemps,
		"cpprovider": cmdCpProvider,
		"tamper":     cmdTamper,
		"fakeopenai": (&fakeOpenAI{}).command,
		"fakeoakgen": newFakeOakgen().command,
		"fakebfl":    newFakeBFL().command,
		"fakegemini": newFakeGemini().command,
		"fakestab":   newFakeStability().command,
		"hasalpha":   cmdHasAlpha,
		"refserver":  cmdRefServer,
		"lockref":    cmdLockRef,
	}
}

// exitcode N COMMAND ARGS... runs a command like exec, keeping its stdout
// and stderr for the next stdout and stderr checks, and checks that it exits
// with status N.
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N COMMAND ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d; want %d", args[1], got, want)
	}
}

// imgsize FILE WxH: FILE decodes completely as PNG, JPEG or WebP and has
// exactly the given size.
func cmdImgSize(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: imgsize FILE WxH")
	}
	f, err := os.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	img, format, err := imagefmt.Decode(f)
	if err != nil {
		ts.Fatalf("%s does not decode: %v", args[0], err)
	}
	got := fmt.Sprintf("%dx%d", img.Bounds().Dx(), img.Bounds().Dy())
	if (got == args[1]) == neg {
		ts.Fatalf("%s is a %s %s image; want %s%s", args[0], got, format, map[bool]string{true: "not "}[neg], args[1])
	}
}

// mkpng FILE WxH writes a real PNG, for reference images.
func cmdMkPNG(ts *testscript.TestScript, neg bool, args []string) {
	var w, h int
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkpng FILE WxH")
	}
	_, err := fmt.Sscanf(args[1], "%dx%d", &w, &h)
	ts.Check(err)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	path := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))
	f, err := os.Create(path)
	ts.Check(err)
	defer f.Close()
	ts.Check(png.Encode(f, img))
}

// lockget [-f LOCKFILE] ADDR FIELD prints a field of an image block
// (provider, model, spec_hash, output, sha256, bytes, width, height,
// cost_usd, input.NAME, metadata.NAME, candidates (their number),
// candidate.N (its sha256)) or of a provider block (ADDR provider.NAME: source,
// version, checksum). With !, the field must be absent.
func cmdLockGet(ts *testscript.TestScript, neg bool, args []string) {
	path := "easel.lock.hcl"
	if len(args) == 4 && args[0] == "-f" {
		path, args = args[1], args[2:]
	}
	if len(args) != 2 {
		ts.Fatalf("usage: lockget [-f LOCKFILE] ADDR FIELD")
	}
	lf, diags := lockfile.Load(ts.MkAbs(path))
	if diags.HasErrors() {
		ts.Fatalf("lockfile does not load: %s", diags.Error())
	}
	val, ok := lockField(lf, args[0], args[1])
	switch {
	case neg && ok:
		ts.Fatalf("%s %s is %q; want it absent", args[0], args[1], val)
	case !neg && !ok:
		ts.Fatalf("%s %s is not in the lockfile", args[0], args[1])
	case ok:
		fmt.Fprintln(ts.Stdout(), val)
	}
}

func lockField(lf *lockfile.File, addr, field string) (string, bool) {
	if name, ok := strings.CutPrefix(addr, "provider."); ok {
		p := lf.Provider(name)
		if p == nil {
			return "", false
		}
		return nonEmpty(map[string]string{"source": p.Source, "version": p.Version, "checksum": p.Checksum}[field])
	}
	img := lf.Image(addr)
	if img == nil {
		return "", false
	}
	if name, ok := strings.CutPrefix(field, "metadata."); ok {
		return nonEmpty(img.Metadata[name])
	}
	if n, ok := strings.CutPrefix(field, "candidate."); ok {
		i, err := strconv.Atoi(n)
		if err != nil || i < 1 || i > len(img.Candidates) {
			return "", false
		}
		return img.Candidates[i-1], true
	}
	if field == "candidates" && len(img.Candidates) > 0 {
		return fmt.Sprint(len(img.Candidates)), true
	}
	if name, ok := strings.CutPrefix(field, "input."); ok {
		v, ok := img.Inputs[name]
		if !ok || v.IsNull() || v.Type() != cty.String {
			return "", false
		}
		return v.AsString(), true
	}
	cost := ""
	if img.CostUSD != nil {
		cost = fmt.Sprint(*img.CostUSD)
	}
	return nonEmpty(map[string]string{
		"provider": img.Provider, "model": img.Model, "spec_hash": img.SpecHash, "output": img.Output,
		"sha256": img.SHA256, "bytes": fmt.Sprint(img.Bytes), "width": fmt.Sprint(img.Width),
		"height": fmt.Sprint(img.Height), "cost_usd": cost,
	}[field])
}

func nonEmpty(s string) (string, bool) { return s, s != "" }

// lockdiff OLD NEW ADDR...: the two lockfiles differ exactly in the image
// blocks of the given addresses; every other byte (header, version,
// providers, other images) is identical.
func cmdLockDiff(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: lockdiff OLD NEW ADDR...")
	}
	oldBlocks, oldRest := lockBlocks(ts, args[0])
	newBlocks, newRest := lockBlocks(ts, args[1])
	if oldRest != newRest {
		ts.Fatalf("the lockfiles differ outside their image blocks:\n--- %s\n%s\n--- %s\n%s", args[0], oldRest, args[1], newRest)
	}
	var changed []string
	for key, text := range oldBlocks {
		if newBlocks[key] != text {
			changed = append(changed, key)
		}
	}
	for key := range newBlocks {
		if _, ok := oldBlocks[key]; !ok {
			changed = append(changed, key)
		}
	}
	sort.Strings(changed)
	want := slices.Sorted(slices.Values(args[2:]))
	if !slices.Equal(changed, want) {
		ts.Fatalf("changed lockfile blocks: %q; want %q", changed, want)
	}
}

// lockBlocks splits a lockfile into its blocks' text, keyed by image
// address or "provider NAME", and the text outside image blocks.
func lockBlocks(ts *testscript.TestScript, path string) (map[string]string, string) {
	src, err := os.ReadFile(ts.MkAbs(path))
	ts.Check(err)
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		ts.Fatalf("%s: %s", path, diags.Error())
	}
	blocks := map[string]string{}
	var rest strings.Builder
	last := 0
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		rng := b.Range()
		if b.Type != "image" {
			continue
		}
		rest.Write(src[last:rng.Start.Byte])
		last = rng.End.Byte
		blocks[b.Labels[0]] = string(src[rng.Start.Byte:rng.End.Byte])
	}
	rest.Write(src[last:])
	return blocks, rest.String()
}

// snapshot FILE lists every file of the work directory (outside .easel and
// the test's temp directory) with its size and SHA-256, so that two
// snapshots can be compared with cmp.
func cmdSnapshot(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: snapshot FILE")
	}
	root := ts.MkAbs(".")
	var lines []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		switch {
		case d.IsDir() && (rel == ".easel" || rel == ".tmp"):
			return filepath.SkipDir
		case d.IsDir() || strings.HasSuffix(rel, ".snapshot"):
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		lines = append(lines, fmt.Sprintf("%s %d %s", filepath.ToSlash(rel), len(data), hex.EncodeToString(sum[:8])))
		return nil
	})
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Join(lines, "\n")+"\n"), 0o644))
}

// touch FILE moves FILE's modification time an hour ahead without
// changing its bytes.
func cmdTouch(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: touch FILE")
	}
	path := ts.MkAbs(args[0])
	fi, err := os.Stat(path)
	ts.Check(err)
	later := fi.ModTime().Add(time.Hour)
	ts.Check(os.Chtimes(path, later, later))
}

// notemps [DIR]: no temp file of an interrupted atomic write is left.
func cmdNoTemps(ts *testscript.TestScript, neg bool, args []string) {
	root := ts.MkAbs(".")
	if len(args) == 1 {
		root = ts.MkAbs(args[0])
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && fsx.IsTemp(d.Name()) {
			return fmt.Errorf("temp file left behind: %s", path)
		}
		return err
	})
	if (err == nil) == neg {
		ts.Fatalf("notemps: %v", err)
	}
}

// cpprovider NAME DIR copies the provider binary easel-provider-NAME found
// on PATH into DIR.
func cmdCpProvider(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cpprovider NAME DIR")
	}
	name := "easel-provider-" + args[0]
	src := lookPath(name, ts.Getenv("PATH"))
	if src == "" {
		ts.Fatalf("%s is not on PATH", name)
	}
	in, err := os.Open(src)
	ts.Check(err)
	defer in.Close()
	dir := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(dir, 0o755))
	out, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	ts.Check(err)
	_, err = io.Copy(out, in)
	ts.Check(err)
	ts.Check(out.Close())
}

// tamper FILE appends a byte to FILE, changing its checksum.
func cmdTamper(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: tamper FILE")
	}
	f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_APPEND|os.O_WRONLY, 0)
	ts.Check(err)
	_, err = f.Write([]byte{0})
	ts.Check(err)
	ts.Check(f.Close())
}
