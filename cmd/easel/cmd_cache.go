package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/easelhq/easel/engine"
	"github.com/spf13/cobra"
)

// cacheDir is where the output cache lives, as users see it.
const cacheDir = ".easel/cache"

func (a *app) cacheCommand() *cobra.Command {
	var asJSON bool
	var lockTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show what the output cache holds, per image",
		Long: `Show the output cache (` + cacheDir + `): every output easel generated,
restored, adopted or picked, kept by content so that a missing file, a
reverted prompt or an image declared again comes back at no cost. The
totals say how many outputs it holds and how much space they take, and the
table how many belong to each image and how many of those the lockfile
stands for (which "easel cache prune" never removes).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runCacheUsage(cmd.Context(), lockTimeout, asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "machine-readable output: one JSON document")
	cmd.Flags().DurationVar(&lockTimeout, "lock-timeout", 0, "wait this long for another easel in the same directory (e.g. 60s)")
	cmd.AddCommand(a.cachePruneCommand())
	return cmd
}

func (a *app) openCache(ctx context.Context, lockTimeout time.Duration) (*engine.Cache, error) {
	return engine.OpenCache(ctx, engine.Options{Dir: a.dir(), LockWait: lockTimeout})
}

func (a *app) runCacheUsage(ctx context.Context, lockTimeout time.Duration, asJSON bool) error {
	c, err := a.openCache(ctx, lockTimeout)
	if err != nil {
		return err
	}
	defer c.Close()
	u, err := c.Usage()
	if err != nil {
		return err
	}
	if asJSON {
		return writeCacheUsageJSON(a.stdout, u)
	}
	writeCacheUsage(a.stdout, u)
	return nil
}

func writeCacheUsage(w io.Writer, u *engine.CacheUsage) {
	if u.Objects == 0 {
		fmt.Fprintf(w, "%s is empty.\n", cacheDir)
		return
	}
	fmt.Fprintf(w, "%s holds %s, %s (%d in the lockfile).\n\n", cacheDir,
		plural(u.Objects, "output", "outputs"), formatBytes(u.Bytes), u.InLockfile)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  IMAGE\tOUTPUTS\tSIZE\tIN LOCKFILE\tNEWEST")
	for _, iu := range u.Images {
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%d\t%s\n", iu.Address, iu.Outputs, formatBytes(iu.Bytes), iu.InLockfile, formatTime(iu.Newest))
	}
	if u.Unknown > 0 {
		fmt.Fprintf(tw, "  (no image)\t%d\t%s\t0\t\n", u.Unknown, formatBytes(u.UnknownBytes))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nAn output kept for several images is counted under each. Free space with\n\"easel cache prune -keep=N\" or \"easel cache prune -older-than=YYYY-MM-DD\".\n")
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

type jsonCacheUsage struct {
	Type          string           `json:"type"`
	FormatVersion string           `json:"format_version"`
	Outputs       int              `json:"outputs"`
	Bytes         int64            `json:"bytes"`
	InLockfile    int              `json:"in_lockfile"`
	Images        []jsonImageUsage `json:"images"`
	NoImage       int              `json:"no_image_outputs"`
	NoImageBytes  int64            `json:"no_image_bytes"`
}

type jsonImageUsage struct {
	Address    string    `json:"address"`
	Outputs    int       `json:"outputs"`
	Bytes      int64     `json:"bytes"`
	InLockfile int       `json:"in_lockfile"`
	Newest     time.Time `json:"newest"`
}

func writeCacheUsageJSON(w io.Writer, u *engine.CacheUsage) error {
	out := jsonCacheUsage{Type: "cache_usage", FormatVersion: jsonFormatVersion, Outputs: u.Objects, Bytes: u.Bytes,
		InLockfile: u.InLockfile, Images: []jsonImageUsage{}, NoImage: u.Unknown, NoImageBytes: u.UnknownBytes}
	for _, iu := range u.Images {
		out.Images = append(out.Images, jsonImageUsage(iu))
	}
	return json.NewEncoder(w).Encode(out)
}

// pruneFlags are the flags of easel cache prune.
type pruneFlags struct {
	keep        int
	olderThan   string
	dryRun      bool
	asJSON      bool
	lockTimeout time.Duration
}

func (a *app) cachePruneCommand() *cobra.Command {
	var f pruneFlags
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove old outputs from the output cache",
		Long: `Remove outputs from ` + cacheDir + `. An output the lockfile stands for (an
image's output or one of its candidates) is never removed.

-keep=N keeps the N newest outputs of every image and removes the rest.
-older-than=DATE removes the outputs made before DATE: a date
(2026-05-01, midnight UTC), a time (2026-05-01T12:00:00Z) or an age
(30d, 12h). With both, an output is removed only when both select it.
-dry-run shows what would be removed and removes nothing.

A removed output costs a generation if its spec is wanted again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runCachePrune(cmd.Context(), cmd, &f)
		},
	}
	cmd.Flags().IntVar(&f.keep, "keep", 0, "keep the N newest outputs of each image")
	cmd.Flags().StringVar(&f.olderThan, "older-than", "", "remove outputs made before this date, time or age (30d)")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "show what would be removed, remove nothing")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "machine-readable output: one JSON document")
	cmd.Flags().DurationVar(&f.lockTimeout, "lock-timeout", 0, "wait this long for another easel in the same directory (e.g. 60s)")
	return cmd
}

func (a *app) runCachePrune(ctx context.Context, cmd *cobra.Command, f *pruneFlags) error {
	opts := engine.PruneOptions{DryRun: f.dryRun}
	if cmd.Flags().Changed("keep") {
		if f.keep < 0 {
			return errors.New("-keep must be 0 or more")
		}
		opts.Keep = &f.keep
	}
	if f.olderThan != "" {
		t, err := parseWhen(f.olderThan, time.Now())
		if err != nil {
			return err
		}
		opts.OlderThan = t
	}
	if opts.Keep == nil && opts.OlderThan.IsZero() {
		return errors.New("easel cache prune needs -keep=N or -older-than=DATE, so it never removes more than you meant")
	}
	c, err := a.openCache(ctx, f.lockTimeout)
	if err != nil {
		return err
	}
	defer c.Close()
	res, err := c.Prune(opts)
	if res != nil && f.asJSON {
		if jerr := writePruneJSON(a.stdout, res, f.dryRun); jerr != nil {
			return jerr
		}
	} else if res != nil {
		writePrune(a.stdout, res, f.dryRun)
	}
	return err
}

// parseWhen reads -older-than: a date (UTC), an RFC 3339 time, or an age
// in days (30d) or as a Go duration (12h) before now.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("-older-than=%s is not a date (2026-05-01), a time (2026-05-01T12:00:00Z) or an age (30d, 12h)", s)
}

func writePrune(w io.Writer, res *engine.PruneResult, dryRun bool) {
	verb := "Removed"
	if dryRun {
		verb = "Would remove"
	}
	fmt.Fprintf(w, "%s %s (%s) from %s; %s kept (%s).\n", verb, plural(len(res.Removed), "output", "outputs"),
		formatBytes(res.RemovedBytes), cacheDir, plural(res.Kept, "output", "outputs"), formatBytes(res.KeptBytes))
	if len(res.Removed) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, o := range res.Removed {
		name := "(no image)"
		if len(o.Addresses) > 0 {
			name = strings.Join(o.Addresses, ", ")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", name, formatTime(o.Time), formatBytes(o.Bytes), o.SHA256[:min(12, len(o.SHA256))])
	}
	tw.Flush()
}

type jsonPrune struct {
	Type          string           `json:"type"`
	FormatVersion string           `json:"format_version"`
	DryRun        bool             `json:"dry_run"`
	Removed       []jsonPrunedItem `json:"removed"`
	RemovedBytes  int64            `json:"removed_bytes"`
	Kept          int              `json:"kept"`
	KeptBytes     int64            `json:"kept_bytes"`
}

type jsonPrunedItem struct {
	SHA256    string    `json:"sha256"`
	Bytes     int64     `json:"bytes"`
	Time      time.Time `json:"time"`
	Addresses []string  `json:"addresses"`
}

func writePruneJSON(w io.Writer, res *engine.PruneResult, dryRun bool) error {
	out := jsonPrune{Type: "cache_prune", FormatVersion: jsonFormatVersion, DryRun: dryRun, Removed: []jsonPrunedItem{},
		RemovedBytes: res.RemovedBytes, Kept: res.Kept, KeptBytes: res.KeptBytes}
	for _, o := range res.Removed {
		addrs := o.Addresses
		if addrs == nil {
			addrs = []string{}
		}
		out.Removed = append(out.Removed, jsonPrunedItem{SHA256: o.SHA256, Bytes: o.Bytes, Time: o.Time, Addresses: addrs})
	}
	return json.NewEncoder(w).Encode(out)
}
