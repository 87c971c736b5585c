// Command transform benchmarks the transform provider: it derives N images
// of mixed sizes, fits and formats from one source image, calling the
// provider's Generate directly (no plugin boundary), one image at a time as
// a single apply worker would. Run it under /usr/bin/time -f %M for peak
// RSS; see run.sh and README.md.
//
//	go run ./bench/transform -make-source /tmp/src.png -size 4096
//	go run ./bench/transform -source /tmp/src.png -n 100
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"image"
	"image/color"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/easelhq/easel/plugins/transform"
	"github.com/zclconf/go-cty/cty"
)

func main() {
	makeSource := flag.String("make-source", "", "write a synthetic source image to this path (.png, .jpg or .webp) and exit")
	size := flag.Int("size", 4096, "side of the synthetic source, with -make-source")
	src := flag.String("source", "", "source image to derive from")
	n := flag.Int("n", 100, "number of images to derive")
	formats := flag.String("formats", "webp,jpeg,png", "output formats to cycle through")
	sizes := flag.String("sizes", "1500x500,1584x396,1200x630,1080x1080,1080x1920,400x400,1920x1080,640x360,300x250,2048x1024", "output sizes to cycle through")
	fresh := flag.Bool("fresh", false, "a new provider per image, so that every image decodes the source")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuProfile != "" {
		stop, err := profile(*cpuProfile)
		if err != nil {
			log.Fatalf("transform bench: %v", err)
		}
		defer stop()
	}
	var err error
	switch {
	case *makeSource != "":
		err = writeSource(*makeSource, *size)
	case *src != "":
		err = run(context.Background(), *src, jobs(*n, strings.Split(*sizes, ","), strings.Split(*formats, ",")), *fresh)
	default:
		err = fmt.Errorf("give -make-source or -source")
	}
	if err != nil {
		log.Fatalf("transform bench: %v", err)
	}
}

// profile starts a CPU profile; the returned func stops it.
func profile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeSource writes a photo-like image: smooth gradients, edges and
// deterministic noise, so that it compresses like a generated picture
// rather than like a flat colour.
func writeSource(path string, side int) error {
	format, ok := imagefmt.FormatFromPath(path)
	if !ok {
		return fmt.Errorf("%s: unknown extension", path)
	}
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	seed := uint32(2463534242)
	for y := range side {
		for x := range side {
			seed ^= seed << 13
			seed ^= seed >> 17
			seed ^= seed << 5
			noise := int(seed%24) - 12
			r := x*255/side + noise
			g := y*255/side + noise
			b := ((x/257+y/193)%2)*120 + 60 + noise
			img.SetRGBA(x, y, color.RGBA{clamp(r), clamp(g), clamp(b), 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := imagefmt.Encode(f, img, format, 90); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func clamp(v int) uint8 { return uint8(min(max(v, 0), 255)) }

// job is one derived image.
type job struct {
	resize, fit, format string
}

// jobs spreads n images over the sizes, three fits and the formats.
func jobs(n int, sizes, formats []string) []job {
	fits := []string{"cover", "contain", "fill"}
	js := make([]job, n)
	for i := range js {
		js[i] = job{resize: sizes[i%len(sizes)], fit: fits[i/len(sizes)%len(fits)], format: formats[i%len(formats)]}
	}
	return js
}

func run(ctx context.Context, path string, js []job, fresh bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	_, w, h, err := imagefmt.Sniff(bytes.NewReader(data))
	if err != nil {
		return err
	}
	p := transform.New()
	perFormat := map[string]time.Duration{}
	count := map[string]int{}
	var written int64
	start := time.Now()
	for i, j := range js {
		if fresh {
			p = transform.New()
		}
		t := time.Now()
		nb, err := generate(ctx, p, request(p, i, j, data))
		if err != nil {
			return fmt.Errorf("image %d (%+v): %w", i, j, err)
		}
		perFormat[j.format] += time.Since(t)
		count[j.format]++
		written += nb
	}
	total := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("source %s %dx%d (%d bytes); %d images, %d bytes written\n", path, w, h, len(data), len(js), written)
	fmt.Printf("total %.2fs, %.0f ms per image; Go heap obtained from the OS %d MiB\n",
		total.Seconds(), total.Seconds()*1000/float64(len(js)), ms.HeapSys>>20)
	keys := make([]string, 0, len(perFormat))
	for k := range perFormat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("  %-5s %3d images, %.0f ms per image\n", k, count[k], perFormat[k].Seconds()*1000/float64(count[k]))
	}
	return nil
}

// request builds a request as the engine does: every attribute present,
// defaults applied, the source as the first reference.
func request(p sdk.Provider, i int, j job, data []byte) *sdk.Request {
	set := map[string]cty.Value{"resize": cty.StringVal(j.resize), "fit": cty.StringVal(j.fit)}
	if j.fit == "contain" && i%2 == 0 {
		set["pad"] = cty.StringVal("#ffffff")
	}
	sum := sha256.Sum256(data)
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	ref := sdk.NewReference("image", "image.hero", hex.EncodeToString(sum[:]), "", int64(len(data)), open)
	return &sdk.Request{
		Address:    fmt.Sprintf("image.derived[%d]", i),
		Values:     sdk.ValuesOf(p.Schema().Image, set),
		References: []sdk.Reference{ref},
		OutputPath: fmt.Sprintf("out/%d.%s", i, j.format),
		Format:     j.format,
	}
}

// generate runs one request and drains its image, returning its size.
func generate(ctx context.Context, p sdk.Provider, req *sdk.Request) (int64, error) {
	resp, err := p.Generate(ctx, req)
	if err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, resp.Image)
}
