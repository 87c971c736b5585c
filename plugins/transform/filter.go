package transform

import (
	"math"

	"golang.org/x/image/draw"
)

// filter is a resampling method. Kernels are separable and scale in two
// banded passes (see scaler); interpolators sample directly and need no
// scratch memory.
type filter struct {
	name   string
	kernel kernel
	interp draw.Interpolator
}

// kernel is what scaler needs of a *draw.Kernel.
type kernel interface {
	draw.Scaler
	NewScaler(dw, dh, sw, sh int) draw.Scaler
}

// The filter names, as users write them.
const (
	filterCatmullRom     = "catmull-rom"
	filterLanczos        = "lanczos"
	filterApproxBilinear = "approx-bilinear"
)

// filterNames lists the accepted filters, the default first.
func filterNames() []string {
	return []string{filterCatmullRom, filterLanczos, filterApproxBilinear}
}

// filterNamed returns the filter of a name.
func filterNamed(name string) (filter, bool) {
	switch name {
	case filterCatmullRom:
		return catmullRom(), true
	case filterLanczos:
		return filter{name: filterLanczos, kernel: &draw.Kernel{Support: 3, At: lanczos3}}, true
	case filterApproxBilinear:
		return filter{name: filterApproxBilinear, interp: draw.ApproxBiLinear}, true
	}
	return filter{}, false
}

// catmullRom is the default: sharp, no ringing to speak of, and cheaper
// than Lanczos.
func catmullRom() filter {
	return filter{name: filterCatmullRom, kernel: draw.CatmullRom}
}

// lanczos3 is the Lanczos kernel with a = 3, sinc(t)·sinc(t/3) for t < 3.
// draw.Kernel normalises the weights and widens the support when
// downscaling, so this is a complete Lanczos-3 resampler. The explicit
// float64 conversions stop the compiler fusing multiply-adds, which would
// change results between architectures.
func lanczos3(t float64) float64 {
	if t == 0 {
		return 1
	}
	if t >= 3 {
		return 0
	}
	pt := float64(math.Pi * t)
	return float64(float64(3*math.Sin(pt)) * math.Sin(pt/3) / float64(pt*pt))
}
