package imagefmt

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// sniffGIF reads the GIF header and logical screen descriptor: the
// version and the canvas size every frame is drawn on.
func sniffGIF(r io.Reader) (int, int, error) {
	var b [10]byte
	if err := readHeader(r, b[:]); err != nil {
		return 0, 0, err
	}
	if v := string(b[:6]); v != "GIF87a" && v != "GIF89a" {
		return 0, 0, fmt.Errorf("bad signature %q", v)
	}
	w, h := int(binary.LittleEndian.Uint16(b[6:8])), int(binary.LittleEndian.Uint16(b[8:10]))
	if w == 0 || h == 0 {
		return 0, 0, fmt.Errorf("zero dimensions %dx%d", w, h)
	}
	return w, h, nil
}

// svgHeadLimit bounds how far sniffSVG reads for the root element: past
// an XML declaration, comments and a DOCTYPE, never through a whole file.
const svgHeadLimit = 64 << 10

// looksLikeSVG tells SVG's possible starts apart from other text: an XML
// declaration (its root element decides), an svg element or an SVG
// DOCTYPE, after an optional byte order mark and white space. An HTML or
// JSON error body is none of them.
func looksLikeSVG(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	for _, p := range []string{"<?xml", "<svg", "<!DOCTYPE svg"} {
		if len(t) >= len(p) && strings.EqualFold(string(t[:len(p)]), p) {
			return true
		}
	}
	return false
}

// sniffSVG reads up to the root element, which must be svg, and returns
// its size in pixels: width and height when both are plain numbers or
// pixels, else the viewBox's, else 0x0 (an SVG need not state one).
func sniffSVG(r io.Reader) (int, int, error) {
	d := xml.NewDecoder(io.LimitReader(r, svgHeadLimit))
	d.Strict = true
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) || cutShort(err) {
				return 0, 0, fmt.Errorf("no root element in the first %d KiB: %w", svgHeadLimit>>10, ErrTruncated)
			}
			return 0, 0, fmt.Errorf("not well-formed XML: %w", err)
		}
		if el, ok := tok.(xml.StartElement); ok {
			if err := checkSVGRoot(el); err != nil {
				return 0, 0, err
			}
			w, h := svgSize(el.Attr)
			return w, h, nil
		}
	}
}

const svgNamespace = "http://www.w3.org/2000/svg"

// checkSVGRoot refuses a root element other than svg.
func checkSVGRoot(el xml.StartElement) error {
	if el.Name.Local != "svg" || (el.Name.Space != "" && el.Name.Space != svgNamespace) {
		return fmt.Errorf("the root element is <%s>, not <svg>", el.Name.Local)
	}
	return nil
}

func svgSize(attrs []xml.Attr) (int, int) {
	get := func(name string) string {
		for _, a := range attrs {
			if a.Name.Local == name && a.Name.Space == "" {
				return strings.TrimSpace(a.Value)
			}
		}
		return ""
	}
	w, wok := svgLength(get("width"))
	h, hok := svgLength(get("height"))
	if wok && hok {
		return w, h
	}
	f := strings.FieldsFunc(get("viewBox"), func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' || r == '\r' })
	if len(f) == 4 {
		w, wok := svgLength(f[2])
		h, hok := svgLength(f[3])
		if wok && hok {
			return w, h
		}
	}
	return 0, 0
}

// svgLength reads a positive length in user units or pixels ("1024",
// "1024px", "1024.0"), rounded; other units (%, em, mm) are not pixels.
func svgLength(s string) (int, bool) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "px"), 64)
	if err != nil || v <= 0 || v > math.MaxInt32 {
		return 0, false
	}
	return int(math.Round(v)), true
}

// CheckSVG checks, in one pass, that data is a whole, well-formed XML
// document whose only root element is svg: Sniff reads only up to the
// root element.
func CheckSVG(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		switch {
		case errors.Is(err, io.EOF) && roots == 0:
			return fmt.Errorf("sniffing svg: no root element: %w", ErrTruncated)
		case errors.Is(err, io.EOF) && depth != 0, cutShort(err):
			return errors.New("the svg file is truncated")
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("the svg is not well-formed XML: %w", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if roots++; roots > 1 {
					return fmt.Errorf("the svg has %d root elements", roots)
				}
				if err := checkSVGRoot(el); err != nil {
					return fmt.Errorf("sniffing svg: %w", err)
				}
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// cutShort reports whether err is the XML decoder's complaint that the
// data ended inside markup.
func cutShort(err error) bool {
	var se *xml.SyntaxError
	return errors.As(err, &se) && se.Msg == "unexpected EOF"
}
