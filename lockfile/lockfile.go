package lockfile

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// FileName is the lockfile's name in the project directory.
const FileName = "easel.lock.hcl"

// Version is the format version this package reads and writes.
const Version = 1

// File is a parsed lockfile. Providers are kept sorted by Name and Images by
// Address; the methods keep that order. Code that changes the slices directly
// must call Sort before using the lookup methods. A File is not safe for
// concurrent use.
type File struct {
	Version   int         // the version read; Bytes always writes Version
	Providers []*Provider // sorted by Name
	Images    []*Image    // sorted by Address
}

// Provider pins one provider key (such as "openai" or "openai.eu") to the
// source, version and, for third-party binaries, the checksum it ran with.
type Provider struct {
	Name     string // provider key: "placeholder", "openai.eu"
	Source   string // "easel/placeholder", "acme/solid"
	Version  string // empty if unknown
	Checksum string // of the plugin binary; empty for built-in providers
}

// Image records one generated image.
type Image struct {
	Address  string // image.hero, image.social["twitter"]
	Provider string // provider key: "placeholder", "openai.eu"
	Model    string // empty if the provider has no model
	SpecHash string // "sha256:<hex>"
	Output   string // project-relative, forward slashes
	SHA256   string // hex SHA-256 of the output bytes
	Bytes    int64
	Width    int
	Height   int
	CostUSD  *float64 // nil when unknown
	// Candidates are the hex SHA-256 of every candidate of an image
	// generated with candidates = N (N > 1), in generation order; SHA256 is
	// the one picked. Empty for an image generated once.
	Candidates []string
	// Inputs are the evaluated, non-secret attributes the image was generated
	// from. After Parse they are in the form NormalizeValue gives.
	Inputs     map[string]cty.Value
	References []*Reference // in declaration order
	Metadata   map[string]string
}

// Reference records one reference image an image was generated from.
type Reference struct {
	Name   string // project-relative path, image address or URL
	Kind   string // "file", "image" or "url"
	SHA256 string // hex SHA-256 of the bytes; for a URL, those fetched at apply
}

// Reference kinds.
const (
	KindFile  = "file"
	KindImage = "image"
	KindURL   = "url"
)

// New returns an empty lockfile of the current version.
func New() *File {
	return &File{Version: Version}
}

// Image returns the image recorded at addr, or nil.
func (f *File) Image(addr string) *Image {
	i, ok := f.imageIndex(addr)
	if !ok {
		return nil
	}
	return f.Images[i]
}

// SetImage records img, replacing any image with the same address.
// The File keeps the pointer; a nil img is ignored.
func (f *File) SetImage(img *Image) {
	if img == nil {
		return
	}
	i, ok := f.imageIndex(img.Address)
	if ok {
		f.Images[i] = img
		return
	}
	f.Images = slices.Insert(f.Images, i, img)
}

// RemoveImage deletes the image at addr and reports whether it was there.
func (f *File) RemoveImage(addr string) bool {
	i, ok := f.imageIndex(addr)
	if ok {
		f.Images = slices.Delete(f.Images, i, i+1)
	}
	return ok
}

// Provider returns the provider pinned under name, or nil.
func (f *File) Provider(name string) *Provider {
	i, ok := f.providerIndex(name)
	if !ok {
		return nil
	}
	return f.Providers[i]
}

// SetProvider pins p, replacing any provider with the same name.
// A nil p is ignored.
func (f *File) SetProvider(p *Provider) {
	if p == nil {
		return
	}
	i, ok := f.providerIndex(p.Name)
	if ok {
		f.Providers[i] = p
		return
	}
	f.Providers = slices.Insert(f.Providers, i, p)
}

// RemoveProvider deletes the provider pinned under name and reports whether
// it was there.
func (f *File) RemoveProvider(name string) bool {
	i, ok := f.providerIndex(name)
	if ok {
		f.Providers = slices.Delete(f.Providers, i, i+1)
	}
	return ok
}

// Sort restores the order of Providers and Images after direct edits.
func (f *File) Sort() {
	sort.SliceStable(f.Providers, func(i, j int) bool { return f.Providers[i].Name < f.Providers[j].Name })
	sort.SliceStable(f.Images, func(i, j int) bool { return f.Images[i].Address < f.Images[j].Address })
}

func (f *File) imageIndex(addr string) (int, bool) {
	return slices.BinarySearchFunc(f.Images, addr, func(img *Image, a string) int {
		return strings.Compare(img.Address, a)
	})
}

func (f *File) providerIndex(name string) (int, bool) {
	return slices.BinarySearchFunc(f.Providers, name, func(p *Provider, n string) int {
		return strings.Compare(p.Name, n)
	})
}

// Clone returns a deep copy of f: changing the copy, its images or their
// maps never changes f. (cty values are immutable and are shared.)
func (f *File) Clone() *File {
	c := &File{Version: f.Version}
	for _, p := range f.Providers {
		cp := *p
		c.Providers = append(c.Providers, &cp)
	}
	for _, img := range f.Images {
		c.Images = append(c.Images, img.Clone())
	}
	return c
}

// Clone returns a deep copy of img.
func (img *Image) Clone() *Image {
	c := *img
	if img.CostUSD != nil {
		cost := *img.CostUSD
		c.CostUSD = &cost
	}
	c.Candidates = slices.Clone(img.Candidates)
	c.Inputs = maps.Clone(img.Inputs)
	c.Metadata = maps.Clone(img.Metadata)
	c.References = nil
	for _, r := range img.References {
		cr := *r
		c.References = append(c.References, &cr)
	}
	return &c
}
