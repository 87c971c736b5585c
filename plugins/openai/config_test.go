package openai

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

func TestValidateConfig(t *testing.T) {
	tests := []struct {
		name string
		kv   []any
		attr string // "" for no diagnostic
	}{
		{"defaults", nil, ""},
		{"everything", []any{"base_url", "http://127.0.0.1:8080/v1/", "timeout", "90s", "max_concurrency", 64,
			"requests_per_minute", 500, "max_billed_retries", 0, "organization", "org-1", "project", "proj_1"}, ""},
		{"bad base_url", []any{"base_url", "ftp://x"}, "base_url"},
		{"credentials in base_url", []any{"base_url", "https://user:pw@api.example.com/v1"}, "base_url"},
		{"bad timeout", []any{"timeout", "soon"}, "timeout"},
		{"zero timeout", []any{"timeout", "0s"}, "timeout"},
		{"zero concurrency", []any{"max_concurrency", 0}, "max_concurrency"},
		{"fractional rpm", []any{"requests_per_minute", 1.5}, "requests_per_minute"},
		{"too many billed retries", []any{"max_billed_retries", 9}, "max_billed_retries"},
		{"unknown values at plan", []any{"base_url", cty.UnknownVal(cty.String), "max_concurrency", cty.UnknownVal(cty.Number)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewWithOptions(Options{Getenv: func(string) string { return "" }})
			diags := p.ValidateConfig(context.Background(), providerConfig(tt.kv...))
			switch {
			case tt.attr == "" && len(diags) > 0:
				t.Errorf("unexpected diagnostics:\n%s", dump(diags))
			case tt.attr != "" && (len(diags) != 1 || diags[0].Attribute != tt.attr || !diags.HasErrors()):
				t.Errorf("want one error on %s, got:\n%s", tt.attr, dump(diags))
			}
		})
	}
}

func TestConfigureKey(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		kv      []any
		wantKey string
		wantErr bool
	}{
		{"from the environment", testKey, nil, testKey, false},
		{"from the block", "", []any{"api_key", "sk-block"}, "sk-block", false},
		{"block wins", testKey, []any{"api_key", "sk-block"}, "sk-block", false},
		{"none for OpenAI", "", nil, "", true},
		{"none for a local server", "", []any{"base_url", "http://localhost:8080/v1"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewWithOptions(Options{Getenv: func(k string) string {
				if k == "OPENAI_API_KEY" {
					return tt.env
				}
				return ""
			}})
			diags := p.Configure(context.Background(), providerConfig(tt.kv...))
			if diags.HasErrors() != tt.wantErr {
				t.Fatalf("diagnostics:\n%s", dump(diags))
			}
			if tt.wantErr {
				if diags[0].Attribute != "api_key" || strings.Contains(dump(diags), testKey) {
					t.Errorf("diagnostic %s", dump(diags))
				}
				return
			}
			cfg, _, _, err := p.configured()
			if err != nil || cfg.apiKey != tt.wantKey {
				t.Errorf("key = %q (%v), want %q", cfg.apiKey, err, tt.wantKey)
			}
		})
	}
}

func TestConfigureSettings(t *testing.T) {
	p := NewWithOptions(Options{Getenv: func(string) string { return testKey }})
	p.Configure(context.Background(), providerConfig("base_url", "http://h/v1/", "timeout", "90s", "max_concurrency", 7, "requests_per_minute", 120))
	cfg, _, lim, _ := p.configured()
	want := settings{apiKey: testKey, baseURL: "http://h/v1", timeout: 90 * time.Second, maxConcurrency: 7, requestsPerMin: 120, maxBilledRetries: 1}
	if *cfg != want || cap(lim.slots) != 7 || lim.interval != 500*time.Millisecond {
		t.Errorf("settings %+v, slots %d, interval %v", *cfg, cap(lim.slots), lim.interval)
	}
}

// TestRequestsPerMinute: request starts are spaced by the configured pace.
func TestRequestsPerMinute(t *testing.T) {
	now := today
	var waits []time.Duration
	l := newLimits(4, 120, func() time.Time { return now }, func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	})
	for range 3 {
		if err := l.pace(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{0, 500 * time.Millisecond, time.Second}
	if len(waits) != 3 || waits[0] != want[0] || waits[1] != want[1] || waits[2] != want[2] {
		t.Errorf("waits %v, want %v", waits, want)
	}
}
