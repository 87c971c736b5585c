package vendorapi

import (
	"testing"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

var acme = Defaults{Vendor: "Acme", KeyEnv: "ACME_API_KEY", BaseURL: "https://api.acme.test/", Timeout: 2 * time.Minute,
	MaxConcurrency: 4, MaxBilledRetries: 1, MaxConcurrencyLimit: 24}

// config builds a provider block as easel does: every attribute present,
// null where unset.
func config(kv map[string]cty.Value) sdk.Config {
	vals := map[string]cty.Value{}
	for _, a := range Attributes(acme) {
		vals[a.Name] = cty.NullVal(a.Type)
		if v, ok := kv[a.Name]; ok {
			vals[a.Name] = v
		}
	}
	return sdk.Config{Values: cty.ObjectVal(vals)}
}

func TestConfigure(t *testing.T) {
	env := map[string]string{"ACME_API_KEY": " env-key-123 \n"}
	getenv := func(k string) string { return env[k] }
	noEnv := func(string) string { return "" }
	tests := []struct {
		name      string
		kv        map[string]cty.Value
		getenv    func(string) string
		want      Settings
		wantDiags []string // "attribute: summary"
	}{
		{name: "defaults with key from env", getenv: getenv,
			want: Settings{APIKey: "env-key-123", BaseURL: "https://api.acme.test", Timeout: 2 * time.Minute, MaxConcurrency: 4, MaxBilledRetries: 1}},
		{name: "block values win", getenv: getenv,
			kv: map[string]cty.Value{"api_key": cty.StringVal("block-key"), "timeout": cty.StringVal("90s"),
				"max_concurrency": cty.NumberIntVal(24), "requests_per_minute": cty.NumberIntVal(30), "max_billed_retries": cty.NumberIntVal(0)},
			want: Settings{APIKey: "block-key", BaseURL: "https://api.acme.test", Timeout: 90 * time.Second, MaxConcurrency: 24, RequestsPerMinute: 30}},
		{name: "no key for the vendor", getenv: noEnv,
			want:      Settings{BaseURL: "https://api.acme.test", Timeout: 2 * time.Minute, MaxConcurrency: 4, MaxBilledRetries: 1},
			wantDiags: []string{"api_key: No Acme API key"}},
		{name: "a test server needs no key", getenv: noEnv, kv: map[string]cty.Value{"base_url": cty.StringVal("http://127.0.0.1:9/")},
			want: Settings{BaseURL: "http://127.0.0.1:9", Timeout: 2 * time.Minute, MaxConcurrency: 4, MaxBilledRetries: 1}},
		{name: "every bad value at once", getenv: getenv,
			kv: map[string]cty.Value{"base_url": cty.StringVal("ftp://x"), "timeout": cty.StringVal("soon"),
				"max_concurrency": cty.NumberIntVal(25), "requests_per_minute": cty.NumberFloatVal(1.5), "max_billed_retries": cty.NumberIntVal(9)},
			want: Settings{APIKey: "env-key-123", BaseURL: "ftp://x", MaxConcurrency: 4, MaxBilledRetries: 1},
			wantDiags: []string{"base_url: Invalid base_url", "timeout: Invalid timeout", "max_concurrency: Invalid max_concurrency",
				"requests_per_minute: Invalid requests_per_minute", "max_billed_retries: Invalid max_billed_retries"}},
		{name: "credentials in base_url", getenv: getenv, kv: map[string]cty.Value{"base_url": cty.StringVal("https://u:p@api.acme.test")},
			want:      Settings{APIKey: "env-key-123", BaseURL: "https://u:p@api.acme.test", Timeout: 2 * time.Minute, MaxConcurrency: 4, MaxBilledRetries: 1},
			wantDiags: []string{"base_url: Credentials or query in base_url"}},
		{name: "unknown values are skipped", getenv: getenv, kv: map[string]cty.Value{"max_concurrency": cty.UnknownVal(cty.Number)},
			want: Settings{APIKey: "env-key-123", BaseURL: "https://api.acme.test", Timeout: 2 * time.Minute, MaxConcurrency: 4, MaxBilledRetries: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := Configure(config(tt.kv), acme, tt.getenv)
			var gotDiags []string
			for _, d := range diags {
				gotDiags = append(gotDiags, d.Attribute+": "+d.Summary)
			}
			if diff := cmp.Diff(tt.wantDiags, gotDiags); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAttributes(t *testing.T) {
	for _, a := range Attributes(acme) {
		if !a.NoHash {
			t.Errorf("%s affects the spec hash; provider settings must not", a.Name)
		}
		if (a.Name == "api_key") != a.Sensitive {
			t.Errorf("%s: Sensitive = %v", a.Name, a.Sensitive)
		}
	}
}
