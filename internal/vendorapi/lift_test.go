package vendorapi

import (
	"encoding/json"
	"testing"
)

func TestLiftJSONString(t *testing.T) {
	tests := []struct {
		name, body string
		ok         bool
		value      string
	}{
		{"plain", `{"data":[{"b64_json":"QUJD"}]}`, true, "QUJD"},
		{"spaces and lines", "{\"data\": [ {\"b64_json\" :\n \"QUJD\" } ]}", true, "QUJD"},
		{"empty", `{"data":[{"b64_json":"","url":"https://x"}]}`, true, ""},
		{"an escape in the value", `{"data":[{"b64_json":"QU\/JD"}]}`, false, ""},
		{"null", `{"data":[{"b64_json":null}]}`, false, ""},
		{"absent", `{"data":[{"url":"https://x"}]}`, false, ""},
		{"only in a string", `{"revised_prompt":"say \"b64_json","data":[]}`, false, ""},
		{"unterminated", `{"data":[{"b64_json":"QUJD`, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rest, value, ok := LiftJSONString([]byte(tt.body), "b64_json")
			if ok != tt.ok || string(value) != tt.value {
				t.Fatalf("LiftJSONString = %q, %v; want %q, %v", value, ok, tt.value, tt.ok)
			}
			if !ok {
				return
			}
			var doc struct {
				Data []struct {
					B64JSON string `json:"b64_json"`
				} `json:"data"`
			}
			if err := json.Unmarshal(rest, &doc); err != nil || len(doc.Data) != 1 || doc.Data[0].B64JSON != Lifted {
				t.Fatalf("the rest %q decodes to %+v, %v; want the value as Lifted", rest, doc, err)
			}
		})
	}
}
