package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"golang.org/x/sync/errgroup"
)

// FileSuffix is the suffix of the configuration files Load reads.
const FileSuffix = ".easel.hcl"

var topSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "easel"},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "image", LabelNames: []string{"name"}},
	},
}

// Load parses every *.easel.hcl file of dir (not recursive, sorted by name)
// into a Config. It evaluates nothing; structural problems (unknown blocks,
// duplicates, malformed meta attributes) are diagnostics.
func Load(dir string) (*Config, hcl.Diagnostics) {
	c := &Config{
		Dir:               dir,
		Files:             map[string]*hcl.File{},
		RequiredProviders: map[string]*RequiredProvider{},
		Providers:         map[string]*ProviderBlock{},
		Variables:         map[string]*Variable{},
		Locals:            map[string]*Local{},
	}
	names, err := configFileNames(dir)
	if err != nil {
		return c, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration directory",
			Detail:   fmt.Sprintf("Reading %s: %s.", dir, err),
		}}
	}
	if len(names) == 0 {
		return c, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No configuration files",
			Detail:   fmt.Sprintf("The directory %s contains no *%s file. Create one, e.g. main%s, with at least one image block.", dir, FileSuffix, FileSuffix),
		}}
	}
	var diags hcl.Diagnostics
	ld := &loader{c: c, images: map[string]*Image{}}
	for _, pf := range parseFiles(dir, names) {
		diags = append(diags, ld.loadFile(pf)...)
	}
	return c, diags
}

// parsedFile is one configuration file, read and parsed.
type parsedFile struct {
	name  string
	file  *hcl.File // nil when it could not be read
	diags hcl.Diagnostics
}

// parseFiles reads and parses the named files of dir, on every core.
func parseFiles(dir string, names []string) []parsedFile {
	out := make([]parsedFile, len(names))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, name := range names {
		g.Go(func() error {
			out[i] = parseFile(dir, name)
			return nil
		})
	}
	_ = g.Wait()
	return out
}

func parseFile(dir, name string) parsedFile {
	src, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return parsedFile{name: name, diags: hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration file",
			Detail:   fmt.Sprintf("Reading %s: %s.", name, err),
		}}}
	}
	f, diags := parseConfig(src, name)
	return parsedFile{name: name, file: f, diags: diags}
}

// loadFile decodes the blocks of one parsed file into the Config.
func (ld *loader) loadFile(pf parsedFile) hcl.Diagnostics {
	if pf.file == nil {
		return pf.diags
	}
	ld.c.Files[pf.name] = pf.file
	return append(pf.diags, ld.decodeFile(pf.file)...)
}

func configFileNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, FileSuffix) || strings.HasPrefix(name, ".") {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// loader accumulates the blocks of every file into one Config.
type loader struct {
	c         *Config
	easelSeen *hcl.Range
	images    map[string]*Image
}

func (ld *loader) decodeFile(f *hcl.File) hcl.Diagnostics {
	content, diags := f.Body.Content(topSchema)
	images := decodeImages(content.Blocks)
	for i, b := range content.Blocks {
		switch b.Type {
		case "easel":
			diags = append(diags, ld.decodeEasel(b)...)
		case "provider":
			diags = append(diags, ld.decodeProvider(b)...)
		case "variable":
			diags = append(diags, ld.decodeVariable(b)...)
		case "locals":
			diags = append(diags, ld.decodeLocals(b)...)
		case "image":
			diags = append(diags, ld.addImage(images[i])...)
		}
	}
	return diags
}

// decodedImage is an image block decoded on its own, before it joins the
// Config.
type decodedImage struct {
	img   *Image // nil when the block could not be decoded
	diags hcl.Diagnostics
}

// decodeImages decodes the image blocks among blocks on every core; the
// result is indexed like blocks.
func decodeImages(blocks hcl.Blocks) []decodedImage {
	out := make([]decodedImage, len(blocks))
	forEachIndex(len(blocks), func(i int) {
		if blocks[i].Type == "image" {
			out[i].img, out[i].diags = decodeImage(blocks[i])
		}
	})
	return out
}

// duplicate is the diagnostic for a second declaration of the same name.
func duplicate(what, name string, prev, this hcl.Range) *hcl.Diagnostic {
	article := "A"
	if strings.ContainsRune("aeiou", rune(what[0])) {
		article = "An"
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Duplicate %s", what),
		Detail:   fmt.Sprintf("%s named %q was already declared at %s. Each name must be unique within the project directory; rename or remove one of them.", article+" "+what, name, prev),
		Subject:  this.Ptr(),
	}
}

func invalidName(what, name string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Invalid %s name", what),
		Detail:   fmt.Sprintf("%q is not a valid %s name: a name must start with a letter or underscore and may contain only letters, digits, underscores and dashes.", name, what),
		Subject:  rng.Ptr(),
	}
}
