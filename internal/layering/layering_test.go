package layering

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/easelhq/easel"

// deps lists every package pkg depends on, transitively (go list -deps).
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func TestImportRules(t *testing.T) {
	rules := []struct {
		pkg       string
		forbidden []string // import path prefixes
	}{
		{module + "/engine", []string{"github.com/spf13/cobra", "github.com/hashicorp/go-plugin", "google.golang.org/grpc", module + "/plugins/host", module + "/cmd", "golang.org/x/term"}},
		{module + "/schema", []string{"github.com/spf13/cobra", "github.com/hashicorp/go-plugin", "google.golang.org/grpc", module + "/plugins/host", module + "/engine", module + "/lockfile", module + "/cmd"}},
		{module + "/lockfile", []string{"github.com/spf13/cobra", "github.com/hashicorp/go-plugin", "google.golang.org/grpc", module + "/plugins", module + "/engine", module + "/schema", module + "/cmd"}},
		{module + "/plugins/sdk", []string{module + "/engine", module + "/schema", module + "/lockfile", module + "/plugins/host", module + "/cmd", "github.com/spf13/cobra"}},
		{module + "/internal/fakeapi", []string{module}},
		{module + "/internal/vendorapi", []string{module + "/engine", module + "/schema", module + "/lockfile", module + "/plugins/host", module + "/cmd", "github.com/spf13/cobra"}},
	}
	for _, r := range rules {
		t.Run(r.pkg, func(t *testing.T) {
			for _, d := range deps(t, r.pkg) {
				if bad := forbidden(d, r.pkg, r.forbidden); bad {
					t.Errorf("%s imports %s", r.pkg, d)
				}
			}
		})
	}
}

// forbidden reports whether dep matches a forbidden prefix; a package's
// own subpackages are always allowed.
func forbidden(dep, pkg string, prefixes []string) bool {
	if dep == pkg || strings.HasPrefix(dep, pkg+"/") {
		return false
	}
	for _, f := range prefixes {
		if dep == f || strings.HasPrefix(dep, strings.TrimSuffix(f, "/")+"/") {
			return true
		}
	}
	return false
}

func TestNothingImportsTheCommand(t *testing.T) {
	for pkg, imports := range nonTestImports(t) {
		for _, imp := range imports {
			if strings.HasPrefix(imp, module+"/cmd") {
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
	}
}

// TestOnlyTestsImportVendortest keeps the providers' shared test helpers
// (a fake clock, canned images) out of every binary.
func TestOnlyTestsImportVendortest(t *testing.T) {
	const vendortest = module + "/internal/vendorapi/vendortest"
	for pkg, imports := range nonTestImports(t) {
		for _, imp := range imports {
			if imp == vendortest {
				t.Errorf("%s imports %s outside its tests", pkg, imp)
			}
		}
	}
}

// nonTestImports maps every package of the module to what its non-test
// files import.
func nonTestImports(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		m[f[0]] = f[1:]
	}
	return m
}

func TestForbiddenMatchesPrefixesNotLookalikes(t *testing.T) {
	cases := []struct {
		dep  string
		want bool
	}{
		{module + "/plugins/host", true},
		{module + "/plugins/hostile", false},
		{module + "/internal/fakeapi/cmd", false},
		{module + "/engine", true},
	}
	for _, c := range cases {
		got := forbidden(c.dep, module+"/internal/fakeapi", []string{module + "/plugins/host", module + "/engine"})
		if got != c.want {
			t.Errorf("forbidden(%s) = %v, want %v", c.dep, got, c.want)
		}
	}
}
