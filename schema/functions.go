package schema

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions is the function table of expressions in a configuration:
// go-cty's standard library under Terraform's names, try and can, and
// file, templatefile and filesha256 reading files through r, confined to
// the project.
func functions(r fileReader) map[string]function.Function {
	fns := stdFunctions()
	for name, fn := range fileFunctions(r) {
		fns[name] = fn
	}
	fns["templatefile"] = templateFileFunc(r, fns)
	return fns
}

// fileReader reads project files for file, templatefile and filesha256,
// telling onRead (when set) the absolute path of every file it read, so a
// caller can tell when an evaluation's inputs changed.
type fileReader struct {
	dir    string
	onRead func(path string)
}

func (r fileReader) read(p string) ([]byte, error) {
	b, full, err := readConfined(r.dir, p)
	if err == nil && r.onRead != nil {
		r.onRead(full)
	}
	return b, err
}

func stdFunctions() map[string]function.Function {
	return map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
		"log": stdlib.LogFunc, "max": stdlib.MaxFunc, "min": stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "signum": stdlib.SignumFunc,

		"chomp": stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
		"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc,
		"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "replace": replaceFunc,
		"split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc,
		"title": stdlib.TitleFunc, "trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc,
		"trimspace": stdlib.TrimSpaceFunc, "trimsuffix": stdlib.TrimSuffixFunc, "upper": stdlib.UpperFunc,
		"startswith": startsWithFunc, "endswith": endsWithFunc, "strcontains": strContainsFunc,

		"chunklist": stdlib.ChunklistFunc, "coalesce": stdlib.CoalesceFunc,
		"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc,
		"element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc, "index": stdlib.IndexFunc,
		"keys": stdlib.KeysFunc, "length": stdlib.LengthFunc, "lookup": stdlib.LookupFunc,
		"merge": stdlib.MergeFunc, "range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc, "setproduct": stdlib.SetProductFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "values": stdlib.ValuesFunc,
		"zipmap": stdlib.ZipmapFunc,

		"jsondecode": stdlib.JSONDecodeFunc, "jsonencode": stdlib.JSONEncodeFunc,
		"csvdecode": stdlib.CSVDecodeFunc, "formatdate": stdlib.FormatDateFunc,
		"timeadd":      stdlib.TimeAddFunc,
		"base64encode": base64EncodeFunc, "base64decode": base64DecodeFunc, "sha256": sha256Func,

		"tostring": stdlib.MakeToFunc(cty.String), "tonumber": stdlib.MakeToFunc(cty.Number),
		"tobool": stdlib.MakeToFunc(cty.Bool), "tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)), "tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),

		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
	}
}

// replaceFunc is Terraform's replace: a substring, or a regular expression
// when the search string is wrapped in slashes.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		pattern := args[1].AsString()
		if len(pattern) > 1 && strings.HasPrefix(pattern, "/") && strings.HasSuffix(pattern, "/") {
			re := cty.StringVal(pattern[1 : len(pattern)-1])
			return stdlib.RegexReplace(args[0], re, args[2])
		}
		return stdlib.Replace(args[0], args[1], args[2])
	},
})

func stringPredicate(f func(s, sub string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "sub", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var (
	startsWithFunc  = stringPredicate(strings.HasPrefix)
	endsWithFunc    = stringPredicate(strings.HasSuffix)
	strContainsFunc = stringPredicate(strings.Contains)
)

func stringFunc(f func(s string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			out, err := f(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			return cty.StringVal(out), nil
		},
	})
}

var (
	base64EncodeFunc = stringFunc(func(s string) (string, error) {
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	})
	base64DecodeFunc = stringFunc(func(s string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return "", fmt.Errorf("invalid base64: %w", err)
		}
		if !utf8.Valid(b) {
			return "", fmt.Errorf("the decoded bytes are not valid UTF-8")
		}
		return string(b), nil
	})
	sha256Func = stringFunc(func(s string) (string, error) {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:]), nil
	})
)

func fileFunctions(r fileReader) map[string]function.Function {
	file := pathFunc(r, func(b []byte) (cty.Value, error) {
		if !utf8.Valid(b) {
			return cty.NilVal, fmt.Errorf("the file is not valid UTF-8 text; use filesha256 for binary files")
		}
		return cty.StringVal(string(b)), nil
	})
	sha := pathFunc(r, func(b []byte) (cty.Value, error) {
		sum := sha256.Sum256(b)
		return cty.StringVal(hex.EncodeToString(sum[:])), nil
	})
	return map[string]function.Function{"file": file, "filesha256": sha}
}

// pathFunc is a function of one path argument that reads the file.
func pathFunc(r fileReader, f func([]byte) (cty.Value, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := r.read(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			v, err := f(b)
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			return v, nil
		},
	})
}

// readConfined reads a project-relative file that must stay inside dir,
// symbolic links included.
func readConfined(dir, p string) ([]byte, string, error) {
	rel, err := cleanRelPath(p)
	if err != nil {
		return nil, "", err
	}
	full := filepath.Join(dir, filepath.FromSlash(rel))
	if err := checkConfined(dir, full); err != nil {
		return nil, "", err
	}
	b, err := os.ReadFile(full)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, "", fmt.Errorf("no file %q in the project directory", rel)
		}
		return nil, "", fmt.Errorf("reading %q: %w", rel, err)
	}
	return b, full, nil
}

func templateFileFunc(r fileReader, fns map[string]function.Function) function.Function {
	inner := make(map[string]function.Function, len(fns))
	for name, fn := range fns {
		inner[name] = fn // no templatefile inside a template: no recursion
	}
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return renderTemplateFile(r, args[0].AsString(), args[1], inner)
		},
	})
}

func renderTemplateFile(r fileReader, p string, vars cty.Value, fns map[string]function.Function) (cty.Value, error) {
	ty := vars.Type()
	if vars.IsNull() || !(ty.IsObjectType() || ty.IsMapType()) {
		return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "vars must be an object or a map, such as { name = \"value\" }")
	}
	src, err := r.read(p)
	if err != nil {
		return cty.UnknownVal(cty.String), function.NewArgError(0, err)
	}
	expr, diags := hclsyntax.ParseTemplate(src, p, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.UnknownVal(cty.String), function.NewArgError(0, diags)
	}
	ctx := &hcl.EvalContext{Variables: vars.AsValueMap(), Functions: fns}
	for _, trav := range expr.Variables() {
		if _, ok := ctx.Variables[trav.RootName()]; !ok {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(1,
				"vars has no key %q, which the template uses at %s", trav.RootName(), trav.SourceRange())
		}
	}
	val, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.UnknownVal(cty.String), function.NewArgError(0, diags)
	}
	out, err := convert.Convert(val, cty.String)
	if err != nil {
		return cty.UnknownVal(cty.String), fmt.Errorf("the template result is not a string: %w", err)
	}
	return out, nil
}
