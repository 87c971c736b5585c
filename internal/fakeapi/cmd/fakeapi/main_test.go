package main

import (
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		lo, hi  time.Duration
		retired []string
		wantErr bool
	}{
		{"defaults", nil, 0, 0, []string{"dall-e-2", "dall-e-3", "gpt-image-1"}, false},
		{"fixed latency", []string{"-latency", "200ms", "-retired", ""}, 200 * time.Millisecond, 200 * time.Millisecond, nil, false},
		{"latency range", []string{"-latency", "100ms-300ms"}, 100 * time.Millisecond, 300 * time.Millisecond, []string{"dall-e-2", "dall-e-3", "gpt-image-1"}, false},
		{"inverted range", []string{"-latency", "300ms-100ms"}, 0, 0, nil, true},
		{"bad latency", []string{"-latency", "soon"}, 0, 0, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(tt.args, io.Discard)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if o.cfg.Latency != tt.lo || o.cfg.LatencyMax != tt.hi || !cmp.Equal(o.cfg.RetiredModels, tt.retired) {
				t.Errorf("latency [%v, %v], retired %v; want [%v, %v], %v", o.cfg.Latency, o.cfg.LatencyMax, o.cfg.RetiredModels, tt.lo, tt.hi, tt.retired)
			}
		})
	}
}
