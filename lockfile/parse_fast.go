package lockfile

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
)

// parseCanonical reads a lockfile that is exactly in the form Bytes writes,
// several times faster than hclsyntax (a no-op plan of a large project reads
// it every time). It gives up on anything else, and it only returns a File
// that is valid and that Bytes writes back to exactly src: so it accepts no
// file, and no meaning of one, that the full parser would not.
func parseCanonical(src []byte) (*File, bool) {
	r := &lineReader{src: string(src)}
	f, ok := r.file()
	if !ok || f.Validate() != nil || !bytes.Equal(f.Bytes(), src) {
		return nil, false
	}
	return f, true
}

// lineReader walks src a line at a time. Methods return false as soon as
// the text is not in the canonical layout.
type lineReader struct {
	src string
	pos int
}

func (r *lineReader) next() (string, bool) {
	if r.pos >= len(r.src) {
		return "", false
	}
	end := strings.IndexByte(r.src[r.pos:], '\n')
	if end < 0 {
		return "", false
	}
	line := r.src[r.pos : r.pos+end]
	r.pos += end + 1
	return line, true
}

func (r *lineReader) file() (*File, bool) {
	prefix := header + "\nversion = " + strconv.Itoa(Version) + "\n"
	if !strings.HasPrefix(r.src, prefix) {
		return nil, false
	}
	r.pos = len(prefix)
	f := New()
	for r.pos < len(r.src) {
		if blank, ok := r.next(); !ok || blank != "" {
			return nil, false
		}
		if !r.block(f) {
			return nil, false
		}
	}
	return f, true
}

func (r *lineReader) block(f *File) bool {
	head, ok := r.next()
	if !ok {
		return false
	}
	switch {
	case strings.HasPrefix(head, "provider "):
		p := &Provider{}
		f.Providers = append(f.Providers, p)
		return blockHeader(head, "provider ", &p.Name) && r.body(0, attrs(p.set))
	case strings.HasPrefix(head, "image "):
		img := &Image{}
		f.Images = append(f.Images, img)
		return blockHeader(head, "image ", &img.Address) && r.body(0, r.imageLine(img))
	}
	return false
}

// blockHeader reads `<type> "<label>" {`.
func blockHeader(line, typ string, label *string) bool {
	s, rest, ok := unquote(strings.TrimPrefix(line, typ))
	if !ok || rest != " {" {
		return false
	}
	*label = s
	return true
}

// body reads the lines of a block at indent level until its closing brace,
// handing each line, without its indent, to item.
func (r *lineReader) body(level int, item func(line string) bool) bool {
	closing := strings.Repeat("  ", level) + "}"
	inner := closing[:len(closing)-1] + "  "
	for {
		line, ok := r.next()
		if !ok {
			return false
		}
		if line == closing {
			return true
		}
		if !strings.HasPrefix(line, inner) {
			return false
		}
		if !item(line[len(inner):]) {
			return false
		}
	}
}

// attrs adapts a handler of `key = value` lines for body.
func attrs(item func(key, value string) bool) func(line string) bool {
	return func(line string) bool {
		key, value, ok := splitAttr(line)
		return ok && item(key, value)
	}
}

// splitAttr splits `key   = value` (the key bare or quoted).
func splitAttr(s string) (key, value string, ok bool) {
	if strings.HasPrefix(s, `"`) {
		k, rest, ok := unquote(s)
		if !ok {
			return "", "", false
		}
		key, s = k, rest
	} else if i := strings.IndexByte(s, ' '); i > 0 {
		key, s = s[:i], s[i:]
	} else {
		return "", "", false
	}
	_, value, ok = strings.Cut(strings.TrimLeft(s, " "), "= ")
	return key, value, ok
}

func (p *Provider) set(key, value string) bool {
	switch key {
	case "source":
		return stringInto(value, &p.Source)
	case "version":
		return stringInto(value, &p.Version)
	case "checksum":
		return stringInto(value, &p.Checksum)
	}
	return false
}

// imageLine handles a line of an image block; nested blocks and objects
// are read from r.
func (r *lineReader) imageLine(img *Image) func(line string) bool {
	item := r.imageAttr(img)
	return func(line string) bool {
		if strings.HasPrefix(line, "reference ") {
			ref := &Reference{}
			img.References = append(img.References, ref)
			return blockHeader(line, "reference ", &ref.Name) && r.body(1, attrs(ref.set))
		}
		return attrs(item)(line)
	}
}

func (ref *Reference) set(key, value string) bool {
	switch key {
	case "kind":
		return stringInto(value, &ref.Kind)
	case "sha256":
		return stringInto(value, &ref.SHA256)
	}
	return false
}

func (r *lineReader) imageAttr(img *Image) func(key, value string) bool {
	return func(key, value string) bool {
		switch key {
		case "provider":
			return stringInto(value, &img.Provider)
		case "model":
			return stringInto(value, &img.Model)
		case "spec_hash":
			return stringInto(value, &img.SpecHash)
		case "output":
			return stringInto(value, &img.Output)
		case "sha256":
			return stringInto(value, &img.SHA256)
		case "bytes":
			return intInto(value, &img.Bytes)
		case "width":
			return smallIntInto(value, &img.Width)
		case "height":
			return smallIntInto(value, &img.Height)
		case "cost_usd":
			return r.cost(img, value)
		case "candidates":
			return candidatesInto(value, &img.Candidates)
		}
		return r.imageObject(img, key, value)
	}
}

func (r *lineReader) cost(img *Image, value string) bool {
	v, rest, ok := scalar(value)
	if !ok || rest != "" || v.Type() != cty.Number {
		return false
	}
	c, _ := v.AsBigFloat().Float64()
	img.CostUSD = &c
	return true
}

// imageObject reads the multi-line attributes of an image: inputs and
// metadata.
func (r *lineReader) imageObject(img *Image, key, value string) bool {
	if value != "{" {
		return false
	}
	switch key {
	case "inputs":
		obj, ok := r.object(2)
		if !ok {
			return false
		}
		img.Inputs = obj
		return true
	case "metadata":
		obj, ok := r.object(2)
		if !ok {
			return false
		}
		img.Metadata = make(map[string]string, len(obj))
		for k, v := range obj {
			if v.Type() != cty.String {
				return false
			}
			img.Metadata[k] = v.AsString()
		}
		return true
	}
	return false
}

// object reads the lines of an object whose entries are at level, up to
// and including its closing brace.
func (r *lineReader) object(level int) (map[string]cty.Value, bool) {
	out := make(map[string]cty.Value)
	ok := r.body(level-1, attrs(func(key, value string) bool {
		if value == "{" {
			nested, ok := r.object(level + 1)
			out[key] = cty.ObjectVal(nested)
			return ok
		}
		v, rest, ok := scalarOrTuple(value)
		out[key] = v
		return ok && rest == ""
	}))
	return out, ok
}

// candidatesInto reads a one-line list of strings.
func candidatesInto(value string, dst *[]string) bool {
	v, rest, ok := scalarOrTuple(value)
	if !ok || rest != "" || !v.Type().IsTupleType() || v.LengthInt() == 0 {
		return false
	}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || e.Type() != cty.String {
			return false
		}
		*dst = append(*dst, e.AsString())
	}
	return true
}

func stringInto(value string, dst *string) bool {
	s, rest, ok := unquote(value)
	*dst = s
	return ok && rest == ""
}

func intInto(value string, dst *int64) bool {
	n, err := strconv.ParseInt(value, 10, 64)
	*dst = n
	return err == nil
}

func smallIntInto(value string, dst *int) bool {
	n, err := strconv.ParseInt(value, 10, 32)
	*dst = int(n)
	return err == nil
}

// scalarOrTuple reads one value written on one line.
func scalarOrTuple(s string) (cty.Value, string, bool) {
	if !strings.HasPrefix(s, "[") {
		return scalar(s)
	}
	s = s[1:]
	var elems []cty.Value
	for !strings.HasPrefix(s, "]") {
		if len(elems) > 0 {
			var ok bool
			if s, ok = strings.CutPrefix(s, ", "); !ok {
				return cty.NilVal, "", false
			}
		}
		v, rest, ok := scalarOrTuple(s)
		if !ok {
			return cty.NilVal, "", false
		}
		elems, s = append(elems, v), rest
	}
	return cty.TupleVal(elems), s[1:], true
}

// scalar reads a string, number, bool, null or empty object.
func scalar(s string) (cty.Value, string, bool) {
	switch {
	case strings.HasPrefix(s, `"`):
		str, rest, ok := unquote(s)
		return cty.StringVal(str), rest, ok
	case strings.HasPrefix(s, "{}"):
		return cty.EmptyObjectVal, s[2:], true
	}
	end := strings.IndexAny(s, ",]")
	if end < 0 {
		end = len(s)
	}
	word, rest := s[:end], s[end:]
	switch word {
	case "true":
		return cty.True, rest, true
	case "false":
		return cty.False, rest, true
	case "null":
		return cty.NullVal(cty.DynamicPseudoType), rest, true
	}
	n, err := cty.ParseNumberVal(word)
	return n, rest, err == nil && word != "" && !strings.ContainsAny(word, "_xXpPiInN")
}

// unquote reads a quoted string as hclwrite writes it and returns what
// follows the closing quote. It gives up on template sequences and escapes
// hclwrite does not write.
func unquote(s string) (string, string, bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			return b.String(), s[i+1:], true
		case c == '\\':
			n, ok := unescape(&b, s[i:])
			if !ok {
				return "", "", false
			}
			i += n
		case (c == '$' || c == '%') && strings.HasPrefix(s[i+1:], string(c)+"{"):
			b.WriteByte(c)
			b.WriteByte('{')
			i += 3
		case (c == '$' || c == '%') && strings.HasPrefix(s[i+1:], "{"):
			return "", "", false // a template: only the full parser may read it
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", "", false
}

// unescape writes the character escaped at the start of s and returns how
// many bytes the escape took.
func unescape(b *strings.Builder, s string) (int, bool) {
	if len(s) < 2 {
		return 0, false
	}
	switch s[1] {
	case 'n':
		b.WriteByte('\n')
	case 'r':
		b.WriteByte('\r')
	case 't':
		b.WriteByte('\t')
	case '"', '\\':
		b.WriteByte(s[1])
	case 'u', 'U':
		digits := 4
		if s[1] == 'U' {
			digits = 8
		}
		if len(s) < 2+digits {
			return 0, false
		}
		r, err := strconv.ParseUint(s[2:2+digits], 16, 32)
		if err != nil || !utf8.ValidRune(rune(r)) {
			return 0, false
		}
		b.WriteRune(rune(r))
		return 2 + digits, true
	default:
		return 0, false
	}
	return 2, true
}
