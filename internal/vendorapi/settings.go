package vendorapi

import (
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// Settings are the provider-block values every HTTP provider shares.
type Settings struct {
	APIKey            string
	BaseURL           string        // without a trailing slash
	Timeout           time.Duration // of one HTTP exchange
	MaxConcurrency    int
	RequestsPerMinute int // 0: no limit
	MaxBilledRetries  int
}

// Defaults describe one provider for the shared settings: its name in
// messages, where its key comes from, and its defaults.
type Defaults struct {
	Vendor           string // "Oakgen", "Black Forest Labs"
	KeyEnv           string // "OAKGEN_API_KEY"
	BaseURL          string
	Timeout          time.Duration
	MaxConcurrency   int
	MaxBilledRetries int
	// MaxConcurrencyLimit is the largest max_concurrency accepted (the
	// vendor's own cap, such as BFL's 24 tasks); 0 means 1024.
	MaxConcurrencyLimit int
}

// Attributes declares the shared provider-block attributes with d's
// defaults, for a provider's Schema().Provider. None affects the output.
func Attributes(d Defaults) []sdk.Attribute {
	str := func(name, desc string, def string) sdk.Attribute {
		a := sdk.Attribute{Name: name, Type: cty.String, Description: desc, NoHash: true}
		if def != "" {
			a.Default = cty.StringVal(def)
		}
		return a
	}
	num := func(name, desc string, def int) sdk.Attribute {
		a := sdk.Attribute{Name: name, Type: cty.Number, Description: desc, NoHash: true}
		if def >= 0 {
			a.Default = cty.NumberIntVal(int64(def))
		}
		return a
	}
	key := str("api_key", fmt.Sprintf("%s API key; defaults to $%s when the provider is configured. Never written anywhere.", d.Vendor, d.KeyEnv), "")
	key.Sensitive = true
	return []sdk.Attribute{
		key,
		str("base_url", "API base URL, for a proxy or a test server. Changing it does not regenerate images.", d.BaseURL),
		str("timeout", `Time limit of one HTTP exchange, such as "2m".`, d.Timeout.String()),
		num("max_concurrency", "Most images in flight at once for this provider block.", d.MaxConcurrency),
		num("requests_per_minute", "Most generation requests started per minute, retries included; unset means no limit.", -1),
		num("max_billed_retries", "How many times to retry a request that may already have been billed (a 5xx, a dropped connection or an unusable image after the request was sent).", d.MaxBilledRetries),
	}
}

// ParseSettings checks the shared attributes of a provider block. Values
// not known yet (at plan time) are skipped and defaults fill what is
// unset; the key is not required here (see Configure).
func ParseSettings(c sdk.Config, d Defaults) (Settings, sdk.Diagnostics) {
	s := Settings{APIKey: strings.TrimSpace(c.String("api_key")), BaseURL: strings.TrimRight(d.BaseURL, "/"),
		Timeout: d.Timeout, MaxConcurrency: d.MaxConcurrency, MaxBilledRetries: d.MaxBilledRetries}
	var diags sdk.Diagnostics
	if v := c.String("base_url"); v != "" {
		s.BaseURL = strings.TrimRight(v, "/")
		diags = append(diags, checkBaseURL(v, d)...)
	}
	if v := c.String("timeout"); v != "" {
		t, err := time.ParseDuration(v)
		if err != nil || t <= 0 {
			diags = append(diags, sdk.Errorf("timeout", "Invalid timeout", `%q is not a positive duration; use a value such as "2m" or "90s".`, v))
		}
		s.Timeout = t
	}
	hi := d.MaxConcurrencyLimit
	if hi == 0 {
		hi = 1024
	}
	diags = append(diags, ConfigInt(c, "max_concurrency", 1, hi, &s.MaxConcurrency)...)
	diags = append(diags, ConfigInt(c, "requests_per_minute", 1, 1_000_000, &s.RequestsPerMinute)...)
	diags = append(diags, ConfigInt(c, "max_billed_retries", 0, 5, &s.MaxBilledRetries)...)
	return s, diags
}

// Configure is ParseSettings plus the key: from api_key, else from the
// environment variable d.KeyEnv. The key is required unless base_url
// points elsewhere than the vendor (a proxy or a test server may need
// none).
func Configure(c sdk.Config, d Defaults, getenv func(string) string) (Settings, sdk.Diagnostics) {
	s, diags := ParseSettings(c, d)
	if s.APIKey == "" {
		s.APIKey = strings.TrimSpace(getenv(d.KeyEnv))
	}
	if s.APIKey == "" && s.BaseURL == strings.TrimRight(d.BaseURL, "/") {
		diags = append(diags, sdk.Errorf("api_key", fmt.Sprintf("No %s API key", d.Vendor),
			"Set the %s environment variable, or api_key in the provider block (from a variable marked sensitive).", d.KeyEnv))
	}
	return s, diags
}

func checkBaseURL(v string, d Defaults) sdk.Diagnostics {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return sdk.Diagnostics{sdk.Errorf("base_url", "Invalid base_url", `%q is not an http or https URL; use a value such as %q.`, v, d.BaseURL)}
	}
	if u.User != nil || u.RawQuery != "" {
		return sdk.Diagnostics{sdk.Errorf("base_url", "Credentials or query in base_url",
			"base_url takes no user, password or query: put the key in api_key (or %s), since base_url may appear in messages.", d.KeyEnv)}
	}
	return nil
}

// ConfigInt reads a whole number in [lo, hi] into dst, if set and known.
func ConfigInt(c sdk.Config, name string, lo, hi int, dst *int) sdk.Diagnostics {
	v := c.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return nil
	}
	n, acc := v.AsBigFloat().Int64()
	if acc != big.Exact || n < int64(lo) || n > int64(hi) {
		return sdk.Diagnostics{sdk.Errorf(name, fmt.Sprintf("Invalid %s", name), "%s must be a whole number from %d to %d.", name, lo, hi)}
	}
	*dst = int(n)
	return nil
}
