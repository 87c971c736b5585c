package fakeapi

import (
	"bytes"
	"encoding/base64"
	"image"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestImagesAreRealAndSized(t *testing.T) {
	url := NewOpenAI(Config{APIKey: testKey}).Start(t)
	tests := []struct {
		name             string
		body             map[string]any
		wantW, wantH     int
		wantFormat       string
		wantTransparency bool
	}{
		{"png square", with("gpt-image-2", "size", "1024x1024"), 1024, 1024, "png", false},
		{"auto size", with("gpt-image-1.5", "size", "auto"), 1024, 1024, "png", false},
		{"free size jpeg", with("gpt-image-2", "size", "1536x864", "output_format", "jpeg", "output_compression", 60), 1536, 864, "jpeg", false},
		{"transparent webp", with("gpt-image-2", "size", "1024x1536", "output_format", "webp", "background", "transparent"), 1024, 1536, "webp", true},
		{"transparent lossy webp", with("gpt-image-1.5", "output_format", "webp", "output_compression", 50, "background", "transparent"), 1024, 1024, "webp", true},
		{"transparent png", with("gpt-image-1-mini", "background", "transparent"), 1024, 1024, "png", true},
		{"gif on 2.6", with("gpt-image-2.6-flare", "size", "1536x1024", "output_format", "gif"), 1536, 1024, "gif", false},
		{"dall-e-2 b64", with("dall-e-2", "size", "256x256", "response_format", "b64_json"), 256, 256, "png", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := postJSON(t, url, "/images/generations", testKey, tt.body).images(t)
			m, format := decodeB64(t, r.Data[0].B64JSON)
			if b := m.Bounds(); b.Dx() != tt.wantW || b.Dy() != tt.wantH || format != tt.wantFormat {
				t.Errorf("got %s %dx%d, want %s %dx%d", format, b.Dx(), b.Dy(), tt.wantFormat, tt.wantW, tt.wantH)
			}
			if _, _, _, a := m.At(0, 0).RGBA(); (a == 0) != tt.wantTransparency {
				t.Errorf("corner alpha = %d, want transparent=%v", a, tt.wantTransparency)
			}
			if tt.wantFormat != "png" || r.OutputFormat == "" {
				return
			}
			if want := map[bool]string{true: "transparent", false: "opaque"}[tt.wantTransparency]; r.Background != want {
				t.Errorf("background = %q, want %q", r.Background, want)
			}
		})
	}
}

func TestSVGOn26(t *testing.T) {
	url := NewOpenAI(Config{APIKey: testKey}).Start(t)
	r := postJSON(t, url, "/images/generations", testKey, with("gpt-image-2.6-sunburst", "output_format", "svg")).images(t)
	data, err := base64.StdEncoding.DecodeString(r.Data[0].B64JSON)
	if err != nil || !bytes.HasPrefix(data, []byte("<svg ")) || !bytes.Contains(data, []byte(`width="1024"`)) {
		t.Errorf("svg output = %.80q, %v", data, err)
	}
}

func TestDallEURL(t *testing.T) {
	url := NewOpenAI(Config{APIKey: testKey}).Start(t)
	r := postJSON(t, url, "/images/generations", testKey, with("dall-e-3", "size", "1024x1792")).images(t)
	if r.Data[0].URL == "" || r.Data[0].B64JSON != "" || r.Data[0].RevisedPrompt == "" || r.Usage != nil {
		t.Fatalf("dall-e-3 answer = %+v, want a url, a revised prompt and no usage", r)
	}
	resp, err := http.Get(r.Data[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	cfg, format, err := image.DecodeConfig(resp.Body)
	if err != nil || format != "png" || cfg.Width != 1024 || cfg.Height != 1792 {
		t.Errorf("url serves %s %dx%d (%v), want png 1024x1792", format, cfg.Width, cfg.Height, err)
	}
}

func TestUsage(t *testing.T) {
	url := NewOpenAI(Config{APIKey: testKey}).Start(t)
	ref := filePart{"image[]", "a.png", "image/png", encodeImage(t, "png", 1024, 1024)}
	tests := []struct {
		name      string
		call      call
		wantOut   int
		wantImage int
	}{
		// Output tokens from image-apis.md 1.7.
		{"gpt-image-2 medium square", gen(with("gpt-image-2", "quality", "medium")), 1756, 0},
		{"gpt-image-2 low landscape", gen(with("gpt-image-2", "quality", "low", "size", "1536x1024")), 158, 0},
		{"gpt-image-2 high 4K", gen(with("gpt-image-2", "quality", "high", "size", "3840x2160")), 13342, 0},
		{"gpt-image-2 auto is high", gen(with("gpt-image-2")), 7024, 0},
		{"gpt-image-1.5 high landscape", gen(with("gpt-image-1.5", "quality", "high", "size", "1536x1024")), 6208, 0},
		{"gpt-image-1-mini low portrait", gen(with("gpt-image-1-mini", "quality", "low", "size", "1024x1536")), 812, 0},
		{"gpt-image-2.5 medium", gen(with("gpt-image-2.5-flare", "quality", "medium")), 439, 0},
		{"two images", gen(with("gpt-image-2", "quality", "low", "n", 2)), 392, 0},
		{"edit on gpt-image-2", edit(fields("gpt-image-2", "quality", "low"), ref, ref), 196, 2048},
		{"edit high fidelity", edit(fields("gpt-image-1.5", "quality", "low", "input_fidelity", "high"), ref), 272, 3050},
		{"edit low fidelity", edit(fields("gpt-image-1.5", "quality", "low"), ref), 272, 135},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.call(t, url).images(t).Usage
			if u == nil {
				t.Fatal("no usage")
			}
			if u.OutputTokens != tt.wantOut || u.InputTokensDetails.ImageTokens != tt.wantImage {
				t.Errorf("output %d, image input %d; want %d, %d", u.OutputTokens, u.InputTokensDetails.ImageTokens, tt.wantOut, tt.wantImage)
			}
			if u.InputTokensDetails.TextTokens <= 0 || u.InputTokens != u.InputTokensDetails.TextTokens+u.InputTokensDetails.ImageTokens ||
				u.TotalTokens != u.InputTokens+u.OutputTokens {
				t.Errorf("inconsistent usage %+v", *u)
			}
		})
	}
}

// TestSameRequestSameBytes: output depends on the request only, so reruns
// are reproducible and different prompts give different files.
func TestSameRequestSameBytes(t *testing.T) {
	url := NewOpenAI(Config{APIKey: testKey}).Start(t)
	get := func(prompt, format string) string {
		body := with("gpt-image-2", "prompt", prompt, "output_format", format, "quality", "low")
		return postJSON(t, url, "/images/generations", testKey, body).images(t).Data[0].B64JSON
	}
	for _, format := range []string{"png", "jpeg", "webp"} {
		a, b, c := get("an otter", format), get("an otter", format), get("a beaver", format)
		if a != b {
			t.Errorf("%s: same request gave different bytes", format)
		}
		if a == c {
			t.Errorf("%s: different prompts gave the same bytes", format)
		}
		decodeB64(t, c)
	}
}

func TestReceivedRecordsUploads(t *testing.T) {
	o := NewOpenAI(Config{APIKey: testKey})
	url := o.Start(t)
	img := encodeImage(t, "jpeg", 640, 480)
	postMultipart(t, url, testKey, fields("gpt-image-2", "size", "1536x1024"),
		[]filePart{{"image[]", "a.jpg", "image/jpeg", img}, {"mask", "m.png", "image/png", encodeImage(t, "png", 640, 480)}}).images(t)
	got := o.Received()
	if len(got) != 1 {
		t.Fatalf("recorded %d requests, want 1", len(got))
	}
	want := Received{Endpoint: "edits", Status: 200, RequestID: got[0].RequestID, Model: "gpt-image-2", Prompt: "put them together",
		Params: map[string]string{"size": "1536x1024"},
		Images: []Upload{{Param: "image[0]", Filename: "a.jpg", ContentType: "image/jpeg", Width: 640, Height: 480, Bytes: len(img)}},
		Mask:   got[0].Mask}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("Received (-want +got):\n%s", diff)
	}
	if got[0].Mask == nil || got[0].Mask.Width != 640 {
		t.Errorf("mask not recorded: %+v", got[0].Mask)
	}
}
