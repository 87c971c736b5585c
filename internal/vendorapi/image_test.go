package vendorapi

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheckImage(t *testing.T) {
	png := encodeImage(t, "png", 64, 48)
	jpeg := encodeImage(t, "jpeg", 64, 48)
	webp := encodeImage(t, "webp", 64, 48)
	gif := encodeImage(t, "gif", 64, 48)
	svg := encodeImage(t, "svg", 64, 48)
	tests := []struct {
		name    string
		data    []byte
		want    Want
		wantErr string // "" for success
	}{
		{name: "png", data: png, want: Want{Formats: []string{"png"}, Width: 64, Height: 48}},
		{name: "jpeg, any size", data: jpeg, want: Want{Formats: []string{"jpeg", "png"}}},
		{name: "jpeg with trailing padding", data: append(append([]byte{}, jpeg...), 0, 0, '\n'), want: Want{}},
		{name: "webp", data: webp, want: Want{Width: 64, Height: 48}},
		{name: "gif", data: gif, want: Want{Formats: []string{"gif"}, Width: 64, Height: 48}},
		{name: "svg", data: svg, want: Want{Formats: []string{"svg"}}},
		{name: "gif asked, png returned", data: png, want: Want{Formats: []string{"gif"}}, wantErr: "it is png, not the gif asked for"},
		{name: "wrong format", data: jpeg, want: Want{Formats: []string{"png"}}, wantErr: "it is jpeg, not the png asked for"},
		{name: "wrong size", data: png, want: Want{Width: 64, Height: 64}, wantErr: "it is 64x48, not the 64x64 asked for"},
		{name: "aspect ratio", data: png, want: Want{AspectRatio: "4:3"}},
		{name: "wrong aspect ratio", data: png, want: Want{AspectRatio: "16:9"}, wantErr: "not the aspect ratio 16:9 asked for"},
		{name: "too many pixels", data: png, want: Want{MaxPixels: 1000}, wantErr: "more than 1000 pixels"},
		{name: "truncated png", data: png[:len(png)/2], wantErr: "truncated"},
		{name: "truncated jpeg", data: jpeg[:len(jpeg)-10], wantErr: "truncated"},
		{name: "truncated webp", data: webp[:len(webp)-4], wantErr: "truncated"},
		{name: "truncated gif", data: gif[:len(gif)-1], wantErr: "truncated"},
		{name: "truncated svg", data: svg[:len(svg)-12], wantErr: "truncated"},
		{name: "html", data: []byte("<html><body>502 Bad Gateway</body></html>"), wantErr: "not a PNG, JPEG, WebP, GIF or SVG"},
		{name: "empty", data: nil, wantErr: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := CheckImage(tt.data, tt.want)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("CheckImage: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("CheckImage = %v, want an error containing %q", err, tt.wantErr)
			case tt.wantErr == "" && (img.Width != 64 || img.Height != 48 || img.MediaType() == ""):
				t.Errorf("CheckImage = %s %dx%d", img.Format, img.Width, img.Height)
			}
		})
	}
}

// A vector image's stated size is nominal: an SVG is not refused for it.
func TestCheckImageSVGSizeIsNominal(t *testing.T) {
	svg := strings.Replace(string(encodeImage(t, "svg", 64, 48)), `width="64" height="48"`, `width="100%" height="100%"`, 1)
	img, err := CheckImage([]byte(svg), Want{Formats: []string{"svg"}, Width: 1024, Height: 1024})
	if err != nil || img.Format != "svg" || img.MediaType() != "image/svg+xml" {
		t.Fatalf("CheckImage = %+v, %v", img, err)
	}
	if img.Width != 64 || img.Height != 48 {
		t.Errorf("CheckImage sized it %dx%d, want its viewBox's 64x48", img.Width, img.Height)
	}
	if err := Verify(img); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestDecodeBase64(t *testing.T) {
	data := []byte("\x89PNG\r\n\x1a\n\xff\xfe\xfd-image-bytes")
	std := base64.StdEncoding.EncodeToString(data)
	tests := []struct {
		name, in string
		wantErr  bool
	}{
		{name: "standard", in: std},
		{name: "unpadded", in: strings.TrimRight(std, "=")},
		{name: "url alphabet", in: base64.RawURLEncoding.EncodeToString(data)},
		{name: "data URL", in: "data:image/png;base64," + std},
		{name: "line breaks", in: std[:8] + "\n" + std[8:16] + "\r\n" + std[16:]},
		{name: "spaces", in: std[:4] + " " + std[4:12] + "  " + std[12:]},
		{name: "url alphabet with line breaks", in: func() string { u := base64.URLEncoding.EncodeToString(data); return u[:8] + "\r\n" + u[8:] + "\n" }()},
		{name: "data URL that is not base64", in: "data:image/png," + std, wantErr: true},
		{name: "not base64", in: "!!not%%base64", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeBase64(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("DecodeBase64 = %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(data, got); diff != "" {
				t.Errorf("DecodeBase64 (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConvert(t *testing.T) {
	png, err := CheckImage(encodeImage(t, "png", 40, 30), Want{})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"png", "jpeg", "webp"} {
		got, err := Convert(png, format)
		if err != nil {
			t.Fatalf("Convert(%s): %v", format, err)
		}
		checked, err := CheckImage(got.Data, Want{Formats: []string{format}, Width: 40, Height: 30})
		if err != nil || checked.Format != got.Format || got.Width != 40 {
			t.Errorf("Convert(%s) = %s %dx%d, check: %v", format, got.Format, got.Width, got.Height, err)
		}
	}
}

// BenchmarkDecodeBase64 decodes a 4 MB image's base64, the size of a
// large PNG in a JSON answer.
func BenchmarkDecodeBase64(b *testing.B) {
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	s := base64.StdEncoding.EncodeToString(data)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, err := DecodeBase64(s); err != nil {
			b.Fatal(err)
		}
	}
}
