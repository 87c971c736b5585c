package vendorapi

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// corruptPNGData flips a byte inside a PNG's first IDAT chunk, leaving its
// header and IEND intact.
func corruptPNGData(t *testing.T, data []byte) []byte {
	t.Helper()
	out := bytes.Clone(data)
	for off := 8; off+12 <= len(out); {
		n := int(binary.BigEndian.Uint32(out[off:]))
		if string(out[off+4:off+8]) == "IDAT" {
			out[off+8+n/2] ^= 0xff
			return out
		}
		off += 12 + n
	}
	t.Fatal("no IDAT chunk")
	return nil
}

func TestVerify(t *testing.T) {
	png := encodeImage(t, "png", 40, 30)
	jpeg := encodeImage(t, "jpeg", 40, 30)
	tests := []struct {
		name    string
		data    []byte
		to      string
		wantErr bool
	}{
		{"a whole png", png, "png", false},
		{"a whole jpeg converted", jpeg, "png", false},
		{"damage inside a png", corruptPNGData(t, png), "png", true},
		{"damage inside a png being converted", corruptPNGData(t, png), "jpeg", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := CheckImage(tt.data, Want{})
			if err != nil {
				t.Fatalf("CheckImage, which reads only the header and end: %v", err)
			}
			out, err := VerifyOrConvert(img, tt.to)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && (out.Format != tt.to || out.Width != 40 || out.Height != 30) {
				t.Errorf("got %s %dx%d, want %s 40x30", out.Format, out.Width, out.Height, tt.to)
			}
		})
	}
}
