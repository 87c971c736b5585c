package main

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/easelhq/easel/internal/fsx"
)

// The CI recipes easel init -ci writes. examples/ci holds the same files
// (a test keeps them equal), with a README.

//go:embed ci/github-easel.yml
var githubWorkflow []byte

//go:embed ci/gitlab-easel.yml
var gitlabJob []byte

// ciRecipe is a CI system's recipe and where init writes it.
type ciRecipe struct {
	path string // project-relative, forward slashes
	data []byte
	next string // what the user does next
}

var ciRecipes = map[string]ciRecipe{
	"github": {".github/workflows/easel.yml", githubWorkflow,
		"Add your providers' API keys (such as OPENAI_API_KEY) as repository secrets, then commit the workflow."},
	"gitlab": {"easel.gitlab-ci.yml", gitlabJob,
		"Include it from .gitlab-ci.yml (include: [{local: easel.gitlab-ci.yml}]) and set the CI/CD variables it names."},
}

func ciNames() string {
	names := make([]string, 0, len(ciRecipes))
	for n := range ciRecipes {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, " or ")
}

// writeCI writes the recipe of a CI system into the project, leaving an
// existing file alone.
func (a *app) writeCI(name string) error {
	r, ok := ciRecipes[name]
	if !ok {
		return fmt.Errorf("-ci must be %s, not %q", ciNames(), name)
	}
	path := filepath.Join(a.dir(), filepath.FromSlash(r.path))
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, r.data):
		fmt.Fprintf(a.stdout, "- %s: already there\n", r.path)
		return nil
	case err == nil:
		fmt.Fprintf(a.stdout, "- %s: exists and differs from easel's recipe; left as it is\n", r.path)
		return nil
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("reading %s: %w", r.path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", filepath.Dir(r.path), err)
	}
	if err := fsx.WriteFileAtomic(path, r.data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", r.path, err)
	}
	fmt.Fprintf(a.stdout, "- %s: written. %s\n", r.path, r.next)
	return nil
}
