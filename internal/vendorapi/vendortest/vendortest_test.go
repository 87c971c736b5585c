package vendortest

import (
	"context"
	"testing"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// TestRequest: the request has every attribute as easel sends it, given,
// defaulted or null, and output sets the path and format.
func TestRequest(t *testing.T) {
	attrs := []sdk.Attribute{sdk.PromptAttr(true), sdk.SizeAttr("1024x1024"),
		{Name: "seed", Type: cty.Number}, {Name: "raw", Type: cty.Bool}}
	req := Request(t, attrs, "prompt", "an otter", "seed", 7, "output", "a/b.webp")
	want := cty.ObjectVal(map[string]cty.Value{"prompt": cty.StringVal("an otter"), "size": cty.StringVal("1024x1024"),
		"seed": cty.NumberIntVal(7), "raw": cty.NullVal(cty.Bool)})
	if !req.Values.RawEquals(want) || req.OutputPath != "a/b.webp" || req.Format != "webp" {
		t.Errorf("got %#v, output %s (%s); want %#v", req.Values, req.OutputPath, req.Format, want)
	}
}

func TestClock(t *testing.T) {
	c := NewClock(Day())
	ctx, cancel := context.WithCancel(context.Background())
	c.Sleep(ctx, 2*time.Second)
	c.Sleep(ctx, -time.Second)
	c.Advance(time.Minute)
	cancel()
	if err := c.Sleep(ctx, time.Hour); err == nil {
		t.Error("Sleep after cancel returned nil")
	}
	if got, want := c.Now(), Day().Add(62*time.Second); !got.Equal(want) {
		t.Errorf("Now = %v, want %v", got, want)
	}
	if diff := cmp.Diff([]time.Duration{2 * time.Second, -time.Second}, c.Sleeps()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

func TestMeasured(t *testing.T) {
	r := Measured(FileRef("a.jpg", "image/jpeg", Image(t, "jpeg", 30, 20)))
	if r.Width != 30 || r.Height != 20 || r.Size == 0 || r.SHA256 == "" {
		t.Errorf("reference %+v, want 30x20 with a size and hash", r)
	}
	if p := Measured(PlanRef("b.png", "image/png", 10)); p.Width != 0 {
		t.Errorf("a reference without bytes got a width: %+v", p)
	}
}
