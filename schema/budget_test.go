package schema

import (
	"strings"
	"testing"
)

func TestEaselBudget(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    float64 // 0: no budget
		wantErr string
	}{
		{"dollars", "budget = 5", 5, ""},
		{"cents", "budget = 0.25", 0.25, ""},
		{"absent", "", 0, ""},
		{"zero", "budget = 0", 0, "Invalid budget"},
		{"negative", "budget = -1", 0, "Invalid budget"},
		{"string", `budget = "5"`, 0, "Invalid budget"},
		{"variable", "budget = var.x", 0, "Variables not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, map[string]string{"main.easel.hcl": "easel {\n  " + tt.body + "\n}\n"})
			cfg, diags := Load(dir)
			if tt.wantErr != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.wantErr) {
					t.Fatalf("diagnostics %q; want an error containing %q", diags.Error(), tt.wantErr)
				}
				if d := diags[0]; d.Subject == nil || d.Subject.Start.Line != 2 {
					t.Errorf("diagnostic subject %v; want line 2", d.Subject)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			switch {
			case tt.want == 0 && cfg.Budget != nil:
				t.Errorf("Budget = %v; want none", *cfg.Budget)
			case tt.want != 0 && (cfg.Budget == nil || *cfg.Budget != tt.want):
				t.Errorf("Budget = %v; want %v", cfg.Budget, tt.want)
			}
		})
	}
}
