package openai

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
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
			client, _, err := p.configured()
			if err != nil || client.Settings.APIKey != tt.wantKey {
				t.Fatalf("key = %q (%v), want %q", client.Settings.APIKey, err, tt.wantKey)
			}
		})
	}
}

func TestConfigureSettings(t *testing.T) {
	p := NewWithOptions(Options{Getenv: func(string) string { return testKey }})
	p.Configure(context.Background(), providerConfig("base_url", "http://h/v1/", "timeout", "90s", "max_concurrency", 7,
		"requests_per_minute", 120, "organization", "org-1", "project", "proj_1"))
	client, cfg, err := p.configured()
	if err != nil {
		t.Fatal(err)
	}
	want := vendorapi.Settings{APIKey: testKey, BaseURL: "http://h/v1", Timeout: 90 * time.Second, MaxConcurrency: 7, RequestsPerMinute: 120, MaxBilledRetries: 1}
	if client.Settings != want || *cfg != (settings{organization: "org-1", project: "proj_1"}) {
		t.Errorf("settings %+v, %+v", client.Settings, *cfg)
	}
}

// TestConfiguredLimits: max_concurrency caps images in flight and request
// starts are spaced by requests_per_minute.
func TestConfiguredLimits(t *testing.T) {
	var waits []time.Duration
	p := NewWithOptions(Options{Getenv: func(string) string { return testKey }, Now: func() time.Time { return today },
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }})
	p.Configure(context.Background(), providerConfig("max_concurrency", 3, "requests_per_minute", 120))
	client, _, err := p.configured()
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := client.Limits.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := client.Limits.Acquire(ctx); err == nil {
		t.Error("a fourth image got a slot with max_concurrency = 3")
	}
	for range 3 {
		if err := client.Limits.Pace(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{0, 500 * time.Millisecond, time.Second}
	if !slices.Equal(waits, want) {
		t.Errorf("waits %v, want %v", waits, want)
	}
}
