package placeholder

import (
	"strings"
	"testing"
)

func testFace(t *testing.T) face {
	t.Helper()
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return newFace(fs.regular, 20)
}

func TestWrap(t *testing.T) {
	f := testFace(t)
	maxW := f.width("a line of about thirty letters")
	tests := []struct {
		name         string
		text         string
		maxLines     int
		wantLines    int // -1: as many as it takes
		wantEllipsis bool
	}{
		{"short", "two cats", 5, 1, false},
		{"wraps at spaces", strings.Repeat("word ", 30), 20, -1, false},
		{"cut when too long", strings.Repeat("word ", 30), 3, 3, true},
		{"newlines start lines", "first\nsecond\n\nthird", 5, 3, false},
		{"long word broken", strings.Repeat("x", 200), 20, -1, false},
		{"no room", "anything", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := f.wrap(tt.text, maxW, tt.maxLines)
			if tt.wantLines >= 0 && len(lines) != tt.wantLines {
				t.Errorf("got %d lines %q, want %d", len(lines), lines, tt.wantLines)
			}
			for _, l := range lines {
				if f.width(l) > maxW {
					t.Errorf("line %q is %dpx, wider than %dpx", l, f.width(l), maxW)
				}
			}
			if tt.wantLines < 0 && len(lines) < 2 {
				t.Errorf("got %d lines, want the text wrapped", len(lines))
			}
			if len(lines) > 0 && strings.HasSuffix(lines[len(lines)-1], ellipsis) != tt.wantEllipsis {
				t.Errorf("last line %q: ellipsis %v, want %v", lines[len(lines)-1], !tt.wantEllipsis, tt.wantEllipsis)
			}
			noSpace := func(s string) string { return strings.Join(strings.Fields(s), "") }
			if got, want := noSpace(strings.Join(lines, " ")), noSpace(tt.text); !tt.wantEllipsis && got != want {
				t.Errorf("wrapped text lost characters: %q, want %q", got, want)
			}
		})
	}
}

func TestFit(t *testing.T) {
	f := testFace(t)
	tests := []struct {
		name   string
		text   string
		maxW   int
		want   string
		wantOK bool
	}{
		{"fits", "image.hero", 1000, "image.hero", true},
		{"cut", "image.social[\"twitter\"]", f.width("image.soc…"), "image.soc…", true},
		{"only the ellipsis", "image.hero", f.width("…"), "…", true},
		{"nothing fits", "image.hero", 1, "…", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := f.fit(tt.text, tt.maxW)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("fit(%q, %d) = %q, %v; want %q, %v", tt.text, tt.maxW, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
