package openai

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decodeImagesResponse gives what decoding the whole body gives, whether
// the image's base64 could be taken out first or not.
func TestDecodeImagesResponse(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte("an image"))
	bodies := map[string]string{
		"the usual answer":                 `{"created":1,"data":[{"b64_json":"` + b64 + `","revised_prompt":"an otter"}],"size":"1024x1024","usage":{"input_tokens":14,"output_tokens":196}}`,
		"an escaped slash":                 `{"data":[{"b64_json":"` + strings.ReplaceAll(b64+"/+", "/", `\/`) + `"}]}`,
		"a second image first in a string": `{"revised_prompt":"x","data":[{"url":"https://x/1.png"},{"b64_json":"` + b64 + `"}]}`,
		"a url":                            `{"data":[{"url":"https://x/1.png"}]}`,
		"duplicate keys":                   `{"data":[{"b64_json":"QUJD","b64_json":"` + b64 + `"}]}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			var want imagesResponse
			if err := json.Unmarshal([]byte(body), &want); err != nil {
				t.Fatal(err)
			}
			wantB64 := ""
			if len(want.Data) > 0 {
				wantB64, want.Data[0].B64JSON = want.Data[0].B64JSON, ""
			}
			got, gotB64, err := decodeImagesResponse([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if string(gotB64) != wantB64 {
				t.Errorf("b64_json = %q, want %q", gotB64, wantB64)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
		})
	}
	if _, _, err := decodeImagesResponse([]byte(`{"data":[{"b64_json":"QUJD"`)); err == nil {
		t.Error("a truncated body decoded")
	}
}
