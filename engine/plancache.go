package engine

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/schema"
	"github.com/hashicorp/hcl/v2"
)

// The plan cache lets a no-op plan cost little more than stat calls. After
// a plan that found nothing to do, it records every file that plan read
// (configuration, var files, files read by functions, the lockfile, every
// reference and output) with what stat said about it, under a key made of
// everything else the plan depended on (easel's identity, -var arguments,
// EASEL_VAR_* variables, the set of configuration files). The next plan
// with the same key whose files all stat the same is the same no-op plan.

const planCacheName = "plancache"
const planCacheVersion = "easel-plancache 2"

// inputFiles records the files a load read, by absolute path.
type inputFiles struct {
	p           *Project
	mu          sync.Mutex
	ids         map[string]fileID
	configNames []string
}

func newInputFiles(p *Project) *inputFiles {
	return &inputFiles{p: p, ids: map[string]fileID{}}
}

// statConfig records the configuration and var files before they are
// parsed, so an edit racing the parse shows as a change next time.
func (in *inputFiles) statConfig() {
	in.configNames = configNames(in.p.dir)
	for _, name := range in.configNames {
		in.stat(filepath.Join(in.p.dir, name))
	}
	for _, vf := range in.p.opts.VarFiles {
		if abs, err := filepath.Abs(vf); err == nil {
			in.stat(abs)
		}
	}
}

func (in *inputFiles) stat(path string) {
	fi, err := os.Stat(path)
	if err != nil {
		return
	}
	in.mu.Lock()
	in.ids[path] = idOf(fi)
	in.mu.Unlock()
}

func configNames(dir string) []string {
	matches, _ := filepath.Glob(filepath.Join(dir, "*"+schema.FileSuffix))
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = filepath.Base(m)
	}
	sort.Strings(names)
	return names
}

// planCacheKey covers what the plan depended on besides file contents.
func planCacheKey(p *Project, names []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\nidentity %s\nspec %s\n", planCacheVersion, p.opts.Identity, specVersion)
	for _, n := range names {
		fmt.Fprintf(h, "config %s\n", n)
	}
	for _, v := range p.opts.Vars {
		fmt.Fprintf(h, "var %q\n", v)
	}
	for _, vf := range p.opts.VarFiles {
		abs, _ := filepath.Abs(vf)
		fmt.Fprintf(h, "var-file %q\n", abs)
	}
	var env []string
	for _, kv := range p.opts.Env {
		if strings.HasPrefix(kv, schema.EnvVarPrefix) {
			env = append(env, kv)
		}
	}
	sort.Strings(env)
	for _, kv := range env {
		fmt.Fprintf(h, "env %q\n", kv)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// planCache is a recorded no-op plan.
type planCache struct {
	unchanged   int
	fingerprint string
	configNames []string
	warnings    []cachedDiag
}

// cachedDiag is a warning kept for replay: hcl.Diagnostic minus the parts
// that do not serialise.
type cachedDiag struct {
	Summary string     `json:"summary"`
	Detail  string     `json:"detail"`
	Subject *hcl.Range `json:"subject,omitempty"`
}

func (c *planCache) plan() (*Plan, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	for _, w := range c.warnings {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: w.Summary, Detail: w.Detail, Subject: w.Subject})
	}
	return &Plan{Unchanged: c.unchanged, Fingerprint: c.fingerprint, Warnings: diags}, diags
}

// files reads the configuration files' bytes so warnings render with
// their snippets.
func (c *planCache) files(dir string) map[string]*hcl.File {
	out := map[string]*hcl.File{}
	for _, w := range c.warnings {
		if w.Subject == nil || out[w.Subject.Filename] != nil {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(dir, w.Subject.Filename)); err == nil {
			out[w.Subject.Filename] = &hcl.File{Bytes: b}
		}
	}
	return out
}

// readPlanCache returns the cached no-op plan if nothing it depended on
// changed, else nil.
func readPlanCache(p *Project) *planCache {
	if p.opts.Identity == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(p.dir, StateDir, planCacheName))
	if err != nil {
		return nil
	}
	names := configNames(p.dir)
	c := &planCache{configNames: names}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	if !sc.Scan() || sc.Text() != planCacheVersion {
		return nil
	}
	key := planCacheKey(p, names)
	for sc.Scan() {
		if !c.parseLine(sc.Text(), key) {
			return nil
		}
	}
	if sc.Err() != nil || c.fingerprint == "" {
		return nil
	}
	return c
}

// parseLine checks one line of the cache; false means the cache is stale.
func (c *planCache) parseLine(line, key string) bool {
	kind, rest, _ := strings.Cut(line, " ")
	switch kind {
	case "key":
		return rest == key
	case "unchanged":
		n, err := strconv.Atoi(rest)
		c.unchanged = n
		return err == nil
	case "fingerprint":
		c.fingerprint = rest
		return true
	case "warning":
		var d cachedDiag
		if json.Unmarshal([]byte(rest), &d) != nil {
			return false
		}
		c.warnings = append(c.warnings, d)
		return true
	case "file":
		return fileUnchanged(rest)
	}
	return false
}

// fileUnchanged checks "size mtime ctime ino path" against stat.
func fileUnchanged(rest string) bool {
	f := strings.SplitN(rest, " ", 5)
	if len(f) != 5 {
		return false
	}
	fi, err := os.Stat(f[4])
	if err != nil {
		return false
	}
	id := idOf(fi)
	return f[0] == strconv.FormatInt(id.size, 10) && f[1] == strconv.FormatInt(id.mtime, 10) &&
		f[2] == strconv.FormatInt(id.ctime, 10) && f[3] == strconv.FormatUint(id.ino, 10)
}

// writePlanCache records a no-op plan with every file it read.
func writePlanCache(p *Project, plan *Plan, pl *planner, diags hcl.Diagnostics) error {
	if p.opts.Identity == "" || p.inputs == nil {
		return nil
	}
	ids := map[string]fileID{}
	p.inputs.mu.Lock()
	for path, id := range p.inputs.ids {
		ids[path] = id
	}
	p.inputs.mu.Unlock()
	for _, pi := range pl.byAddr {
		p.stat.idsFor(ids, filepath.Join(p.dir, filepath.FromSlash(pi.change.Output)))
		for _, r := range pi.refs {
			if r.spec.Kind == schema.RefFile {
				p.stat.idsFor(ids, filepath.Join(p.dir, filepath.FromSlash(r.spec.Value)))
			}
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nkey %s\nunchanged %d\nfingerprint %s\n", planCacheVersion, planCacheKey(p, p.inputs.configNames), plan.Unchanged, plan.Fingerprint)
	for _, d := range diags {
		if d.Severity != hcl.DiagWarning {
			continue
		}
		j, _ := json.Marshal(cachedDiag{Summary: d.Summary, Detail: d.Detail, Subject: d.Subject})
		fmt.Fprintf(&b, "warning %s\n", j)
	}
	paths := make([]string, 0, len(ids))
	for path := range ids {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	line := make([]byte, 0, 256)
	for _, path := range paths {
		line = appendFileID(append(line[:0], "file "...), ids[path])
		line = append(append(append(line, ' '), path...), '\n')
		b.Write(line)
	}
	return fsx.WriteFileAtomic(filepath.Join(p.dir, StateDir, planCacheName), b.Bytes(), 0o644)
}

// dropPlanCache removes the cache; anything that changes outputs or the
// lockfile calls it (their stat would change anyway; this is belt and braces).
func dropPlanCache(dir string) {
	os.Remove(filepath.Join(dir, StateDir, planCacheName))
}
