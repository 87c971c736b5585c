package vendorapi

import (
	"bytes"
	"fmt"

	"github.com/easelhq/easel/internal/imagefmt"
)

// Verify decodes img's pixels completely. CheckImage reads an image's
// header and end only, so damage inside the file (a corrupted PNG data
// stream, a JPEG scan that breaks off) passes it; Verify does not. A
// provider calls it on an image it hands back as it came; Convert decodes
// anyway.
func Verify(img Image) error {
	if img.Format == imagefmt.SVG {
		return imagefmt.CheckSVG(img.Data)
	}
	m, format, err := imagefmt.Decode(bytes.NewReader(img.Data))
	if err != nil {
		return err
	}
	if b := m.Bounds(); format != img.Format || b.Dx() != img.Width || b.Dy() != img.Height {
		return fmt.Errorf("it decodes as a %dx%d %s, not the %dx%d %s its header says", b.Dx(), b.Dy(), format, img.Width, img.Height, img.Format)
	}
	return nil
}

// VerifyOrConvert returns img in format, decoded completely on the way:
// converted when it is in another format, verified when it is not.
func VerifyOrConvert(img Image, format string) (Image, error) {
	if img.Format != format {
		return Convert(img, format)
	}
	return img, Verify(img)
}
