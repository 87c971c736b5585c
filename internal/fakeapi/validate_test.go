package fakeapi

import (
	"net/http"
	"strings"
	"testing"
)

type call func(t testing.TB, url string) answer

func gen(body map[string]any) call {
	return func(t testing.TB, url string) answer { return postJSON(t, url, "/images/generations", testKey, body) }
}

func genKey(key string, body map[string]any) call {
	return func(t testing.TB, url string) answer { return postJSON(t, url, "/images/generations", key, body) }
}

func edit(fields map[string]string, files ...filePart) call {
	return func(t testing.TB, url string) answer { return postMultipart(t, url, testKey, fields, files) }
}

func jsonEdit(body map[string]any) call {
	return func(t testing.TB, url string) answer { return postJSON(t, url, "/images/edits", testKey, body) }
}

// with returns a generation body for model and prompt "an otter" plus kv.
func with(model string, kv ...any) map[string]any {
	m := map[string]any{"model": model, "prompt": "an otter"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func fields(model string, kv ...string) map[string]string {
	m := map[string]string{"model": model, "prompt": "put them together"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestValidation(t *testing.T) {
	url := NewOpenAI(Config{APIKey: testKey, RetiredModels: []string{"gpt-image-1"}, UnverifiedModels: []string{"gpt-image-2.5-flare"}}).Start(t)
	png1024 := filePart{"image[]", "a.png", "image/png", encodeImage(t, "png", 1024, 1024)}
	jpg := filePart{"image[]", "b.jpg", "image/jpeg", encodeImage(t, "jpeg", 640, 480)}
	webpPart := filePart{"image[]", "c.webp", "image/webp", encodeImage(t, "webp", 300, 200)}
	mask := filePart{"mask", "mask.png", "image/png", encodeImage(t, "png", 1024, 1024)}
	small := encodeImage(t, "png", 16, 16)
	var seventeen []filePart
	for range 17 {
		seventeen = append(seventeen, filePart{"image[]", "s.png", "image/png", small})
	}

	tests := []struct {
		name   string
		call   call
		status int
		param  string
		code   string
	}{
		{"valid generation", gen(with("gpt-image-2", "size", "1024x1024", "quality", "medium")), 200, "", ""},
		{"valid free size", gen(with("gpt-image-2", "size", "1536x864")), 200, "", ""},
		{"valid portrait 4K", gen(with("gpt-image-2.6-sunburst", "size", "2160x3840", "quality", "low")), 200, "", ""},
		{"no key", genKey("", with("gpt-image-2")), 401, "", ""},
		{"wrong key", genKey("sk-wrong-key-123456", with("gpt-image-2")), 401, "", "invalid_api_key"},
		{"missing prompt", gen(map[string]any{"model": "gpt-image-2"}), 400, "prompt", "missing_required_parameter"},
		{"empty prompt", gen(with("gpt-image-2", "prompt", "")), 400, "prompt", "empty_string"},
		{"prompt over 32000", gen(with("gpt-image-2", "prompt", strings.Repeat("a", 32001))), 400, "prompt", "string_above_max_length"},
		{"prompt of 32000", gen(with("gpt-image-2", "prompt", strings.Repeat("é", 32000))), 200, "", ""},
		{"dall-e-3 prompt over 4000", gen(with("dall-e-3", "prompt", strings.Repeat("a", 4001))), 400, "prompt", "string_above_max_length"},
		{"dall-e-2 prompt over 1000", gen(with("dall-e-2", "prompt", strings.Repeat("a", 1001))), 400, "prompt", "string_above_max_length"},
		{"unknown model", gen(with("gpt-image-9")), 404, "model", "model_not_found"},
		{"retired model", gen(with("gpt-image-1")), 404, "model", "model_not_found"},
		{"unverified organization", gen(with("gpt-image-2.5-flare")), 403, "", ""},
		{"unknown parameter", gen(with("gpt-image-2", "seed", 3)), 400, "seed", "unknown_parameter"},
		{"n as string", gen(with("gpt-image-2", "n", "2")), 400, "n", "invalid_type"},
		{"n zero", gen(with("gpt-image-2", "n", 0)), 400, "n", "integer_below_min_value"},
		{"n eleven", gen(with("gpt-image-2", "n", 11)), 400, "n", "integer_above_max_value"},
		{"dall-e-3 n 2", gen(with("dall-e-3", "n", 2)), 400, "n", "invalid_value"},
		{"size not divisible by 16", gen(with("gpt-image-2", "size", "1000x1000")), 400, "size", "invalid_value"},
		{"size ratio over 3:1", gen(with("gpt-image-2", "size", "3200x1024")), 400, "size", "invalid_value"},
		{"size over 3840x2160", gen(with("gpt-image-2", "size", "3840x2176")), 400, "size", "invalid_value"},
		{"size edge over 3840", gen(with("gpt-image-2", "size", "3856x1296")), 400, "size", "invalid_value"},
		{"size under pixel minimum", gen(with("gpt-image-2", "size", "512x512")), 400, "size", "invalid_value"},
		{"size malformed", gen(with("gpt-image-2", "size", "big")), 400, "size", "invalid_value"},
		{"free size on fixed model", gen(with("gpt-image-1.5", "size", "1536x864")), 400, "size", "invalid_value"},
		{"dall-e-3 size on gpt-image-1.5", gen(with("gpt-image-1.5", "size", "1792x1024")), 400, "size", "invalid_value"},
		{"dall-e-3 size", gen(with("dall-e-3", "size", "1792x1024", "quality", "hd")), 200, "", ""},
		{"auto on dall-e-2", gen(with("dall-e-2", "size", "auto")), 400, "size", "invalid_value"},
		{"xhigh on gpt-image-2", gen(with("gpt-image-2", "quality", "xhigh")), 400, "quality", "invalid_value"},
		{"xhigh on 2.5", gen(with("gpt-image-2.5-sunburst", "quality", "xhigh")), 200, "", ""},
		{"hd on gpt", gen(with("gpt-image-2", "quality", "hd")), 400, "quality", "invalid_value"},
		{"response_format on gpt", gen(with("gpt-image-2", "response_format", "b64_json")), 400, "response_format", "unknown_parameter"},
		{"style on gpt", gen(with("gpt-image-2", "style", "vivid")), 400, "style", "unknown_parameter"},
		{"gif on gpt-image-2", gen(with("gpt-image-2", "output_format", "gif")), 400, "output_format", "invalid_value"},
		{"gif on 2.6", gen(with("gpt-image-2.6-flare", "output_format", "gif", "quality", "low")), 200, "", ""},
		{"output_format on dall-e-3", gen(with("dall-e-3", "output_format", "png")), 400, "output_format", "unknown_parameter"},
		{"transparent jpeg", gen(with("gpt-image-2", "background", "transparent", "output_format", "jpeg")), 400, "background", "invalid_value"},
		{"transparent webp", gen(with("gpt-image-2", "background", "transparent", "output_format", "webp")), 200, "", ""},
		{"background enum", gen(with("gpt-image-2", "background", "clear")), 400, "background", "invalid_value"},
		{"compression with png", gen(with("gpt-image-2", "output_compression", 50)), 400, "output_compression", "invalid_value"},
		{"compression 100 with png", gen(with("gpt-image-2", "output_compression", 100)), 200, "", ""},
		{"compression over 100", gen(with("gpt-image-2", "output_format", "jpeg", "output_compression", 101)), 400, "output_compression", "invalid_value"},
		{"compression with jpeg", gen(with("gpt-image-2", "output_format", "jpeg", "output_compression", 40)), 200, "", ""},
		{"moderation enum", gen(with("gpt-image-2", "moderation", "strict")), 400, "moderation", "invalid_value"},
		{"moderation on dall-e-3", gen(with("dall-e-3", "moderation", "low")), 400, "moderation", "unknown_parameter"},
		{"input_fidelity on generation", gen(with("gpt-image-2", "input_fidelity", "high")), 400, "input_fidelity", "unknown_parameter"},
		{"stream", gen(with("gpt-image-2", "stream", true)), 400, "stream", "unsupported_value"},

		{"valid edit, three types and mask", edit(fields("gpt-image-2", "input_fidelity", "high"), png1024, jpg, webpPart, mask), 200, "", ""},
		{"single image field", edit(fields("gpt-image-1.5"), filePart{"image", "a.png", "image/png", png1024.data}), 200, "", ""},
		{"octet-stream part", edit(fields("gpt-image-2"), filePart{"image[]", "a.png", "application/octet-stream", png1024.data}), 400, "image[0]", "unsupported_file_mimetype"},
		{"part without type", edit(fields("gpt-image-2"), png1024, filePart{"image[]", "b.png", "", png1024.data}), 400, "image[1]", "unsupported_file_mimetype"},
		{"type does not match bytes", edit(fields("gpt-image-2"), filePart{"image[]", "b.png", "image/png", jpg.data}), 400, "image[0]", "invalid_image_file"},
		{"gif reference", edit(fields("gpt-image-2"), filePart{"image[]", "a.gif", "image/gif", png1024.data}), 400, "image[0]", "unsupported_file_mimetype"},
		{"seventeen images", edit(fields("gpt-image-2"), seventeen...), 400, "image", "array_above_max_length"},
		{"no image", edit(fields("gpt-image-2")), 400, "image", "missing_required_parameter"},
		{"image as text", edit(fields("gpt-image-2", "image", "x.png")), 400, "image", "invalid_type"},
		{"jpeg mask", edit(fields("gpt-image-2"), png1024, filePart{"mask", "m.jpg", "image/jpeg", jpg.data}), 400, "mask", "unsupported_file_mimetype"},
		{"mask of other size", edit(fields("gpt-image-2"), jpg, mask), 400, "mask", "invalid_value"},
		{"input_fidelity on mini", edit(fields("gpt-image-1-mini", "input_fidelity", "high"), png1024), 400, "input_fidelity", "unsupported_parameter"},
		{"input_fidelity enum", edit(fields("gpt-image-1.5", "input_fidelity", "max"), png1024), 400, "input_fidelity", "invalid_value"},
		{"edit on dall-e-3", edit(fields("dall-e-3"), png1024), 400, "model", "invalid_value"},
		{"dall-e-2 non-square", edit(fields("dall-e-2"), filePart{"image", "a.png", "image/png", encodeImage(t, "png", 64, 32)}), 400, "image", "invalid_image"},
		{"dall-e-2 square", edit(fields("dall-e-2", "size", "256x256", "response_format", "b64_json"), filePart{"image", "a.png", "image/png", small}), 200, "", ""},
		{"multipart n as text", edit(fields("gpt-image-2", "n", "two"), png1024), 400, "n", "invalid_type"},

		{"valid JSON edit", jsonEdit(map[string]any{"model": "gpt-image-2", "prompt": "p", "images": []any{map[string]any{"image_url": dataURL("image/png", png1024.data)}},
			"mask": map[string]any{"image_url": dataURL("image/png", mask.data)}}), 200, "", ""},
		{"JSON edit file id", jsonEdit(map[string]any{"prompt": "p", "images": []any{map[string]any{"file_id": "file-abc"}}}), 400, "images[0].file_id", "invalid_value"},
		{"JSON edit both fields", jsonEdit(map[string]any{"prompt": "p", "images": []any{map[string]any{"file_id": "f", "image_url": "u"}}}), 400, "images[0]", "invalid_value"},
		{"JSON edit no images", jsonEdit(map[string]any{"prompt": "p", "images": []any{}}), 400, "images", "missing_required_parameter"},
		{"JSON edit free size", jsonEdit(map[string]any{"model": "gpt-image-2", "prompt": "p", "size": "1536x864",
			"images": []any{map[string]any{"image_url": dataURL("image/png", small)}}}), 400, "size", "invalid_value"},
		{"JSON edit octet-stream", jsonEdit(map[string]any{"prompt": "p", "images": []any{map[string]any{"image_url": dataURL("application/octet-stream", small)}}}), 400, "images[0]", "unsupported_file_mimetype"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.call(t, url)
			if a.status != tt.status {
				t.Fatalf("status = %d, want %d: %s", a.status, tt.status, short(a.body))
			}
			if a.header.Get("x-request-id") == "" {
				t.Error("no x-request-id header")
			}
			if tt.status == 200 {
				r := a.images(t)
				if len(r.Data) != 1 {
					t.Errorf("got %d images, want 1", len(r.Data))
				}
				return
			}
			e := a.apiError(t)
			if got := deref(e.Param); got != tt.param {
				t.Errorf("param = %q, want %q (%s)", got, tt.param, e.Message)
			}
			if got := deref(e.Code); got != tt.code {
				t.Errorf("code = %q, want %q (%s)", got, tt.code, e.Message)
			}
			if e.Message == "" || e.Type == "" {
				t.Errorf("error without message or type: %s", a.body)
			}
		})
	}
}

// short keeps failure messages readable when a body holds an image.
func short(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestWrongKeyIsMasked(t *testing.T) {
	url := NewOpenAI(Config{APIKey: testKey}).Start(t)
	const key = "sk-proj-SECRETSECRETSECRET-9876"
	a := postJSON(t, url, "/images/generations", key, with("gpt-image-2"))
	if a.status != http.StatusUnauthorized {
		t.Fatalf("status %d", a.status)
	}
	if strings.Contains(string(a.body), "SECRETSECRETSECRET") {
		t.Errorf("401 body echoes the key: %s", a.body)
	}
}

func TestBodyShapes(t *testing.T) {
	url := NewOpenAI(Config{APIKey: testKey}).Start(t)
	post := func(method, path, ct, body string) answer {
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testKey)
		req.Header.Set("Content-Type", ct)
		return do(t, req)
	}
	tests := []struct {
		name             string
		method, path, ct string
		body             string
		status           int
	}{
		{"not JSON", "POST", "/images/generations", "application/json", "{model:", 400},
		{"form on generations", "POST", "/images/generations", "application/x-www-form-urlencoded", "prompt=x", 400},
		{"text on edits", "POST", "/images/edits", "text/plain", "x", 400},
		{"GET generations", "GET", "/images/generations", "", "", 405},
		{"unknown path", "POST", "/images/variations", "application/json", "{}", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := post(tt.method, tt.path, tt.ct, tt.body)
			if a.status != tt.status {
				t.Fatalf("status = %d, want %d: %s", a.status, tt.status, short(a.body))
			}
			a.apiError(t)
		})
	}
}
