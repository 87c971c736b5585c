package oakgen

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The answer shapes an aggregator may use, read the same way.
func TestParseResult(t *testing.T) {
	b64 := "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
	credits := func(f float64) *float64 { return &f }
	tests := []struct {
		name string
		body string
		want result
	}{
		{"images list of urls", `{"id":"g1","status":"completed","credits_used":16,"images":[{"url":"https://cdn.oakgen.ai/a.png"}]}`,
			result{id: "g1", status: "completed", url: "https://cdn.oakgen.ai/a.png", credits: credits(16)}},
		{"openai data list", `{"created":1,"data":[{"b64_json":"` + b64 + `"}]}`, result{b64: b64}},
		{"flat image_url", `{"request_id":"r2","image_url":"https://cdn.oakgen.ai/b.webp","credits":"8"}`,
			result{id: "r2", url: "https://cdn.oakgen.ai/b.webp", credits: credits(8)}},
		{"data URL in image", `{"image":"data:image/png;base64,` + b64 + `"}`, result{b64: "data:image/png;base64," + b64}},
		{"output list of strings", `{"output":["https://cdn.oakgen.ai/c.png"],"usage":{"credits":16}}`,
			result{url: "https://cdn.oakgen.ai/c.png", credits: credits(16)}},
		{"nested result", `{"job_id":"j","state":"SUCCEEDED","result":{"sample":"https://x.test/s.jpg"}}`,
			result{id: "j", status: "succeeded", url: "https://x.test/s.jpg"}},
		{"pending job", `{"id":"j","status":"processing","polling_url":"https://api.oakgen.ai/v1/generate/image/j"}`,
			result{id: "j", status: "processing", pollURL: "https://api.oakgen.ai/v1/generate/image/j"}},
		{"replicate-style urls", `{"id":"j","status":"starting","urls":{"get":"https://api.oakgen.ai/v1/jobs/j"}}`,
			result{id: "j", status: "starting", pollURL: "https://api.oakgen.ai/v1/jobs/j"}},
		{"failed job", `{"id":"j","status":"failed","error":{"message":"upstream timeout"}}`,
			result{id: "j", status: "failed", message: "upstream timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseResult([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("parseResult (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := parseResult([]byte("<html>")); err == nil {
		t.Error("an HTML body parsed")
	}
}

func TestParseError(t *testing.T) {
	tests := []struct{ body, code, msg string }{
		{`{"error":{"code":"invalid_size","message":"bad size"}}`, "invalid_size", "bad size"},
		{`{"error":"Unauthorized","code":"auth"}`, "auth", "Unauthorized"},
		{`{"message":"slow down","type":"rate_limit"}`, "rate_limit", "slow down"},
		{`{"detail":[{"loc":["body","prompt"],"msg":"field required"}]}`, "", "field required"},
		{`{"detail":"Not Found"}`, "", "Not Found"},
		{`not json`, "", ""},
	}
	for _, tt := range tests {
		code, msg := parseError([]byte(tt.body))
		if code != tt.code || msg != tt.msg {
			t.Errorf("parseError(%s) = %q, %q; want %q, %q", tt.body, code, msg, tt.code, tt.msg)
		}
	}
}
