package services

import (
	"bytes"
	"fmt"
	"image"

	"github.com/gen2brain/webp"
)

// Variants are lossy WebP: 25-40 % smaller than image/jpeg at the same
// quality (bench/notes.md has the measurements), with transparency kept.
//
// The encoder is libwebp compiled to WebAssembly and run by wazero (no cgo).
// Built without `-tags nodynamic`, github.com/gen2brain/webp first tries a
// system libwebp.so (Debian's libwebp-dev) through purego in dynamically
// linked binaries; the output is valid WebP either way, only its exact bytes
// (and so the content-addressed keys) may differ between the two encoders.
const (
	webpQuality = 80
	// webpMethod trades encoding time for size (0-6); 2 costs under half of
	// the default 4 for files about 3 % larger.
	webpMethod = 2
)

func warmUpWebP() { webp.Init() }

// encodeWebP encodes premultiplied RGBA as lossy WebP. Opaque images are
// passed as they are; others are un-premultiplied first, since the encoder
// reads its input as straight (non-premultiplied) alpha.
func encodeWebP(img *image.RGBA) ([]byte, error) {
	var src image.Image = img
	if !img.Opaque() {
		src = straightAlpha(img)
	}
	var buf bytes.Buffer
	if err := webp.Encode(&buf, src, webp.Options{Quality: webpQuality, Method: webpMethod}); err != nil {
		return nil, fmt.Errorf("encode webp: %w", err)
	}
	return buf.Bytes(), nil
}

// straightAlpha converts premultiplied RGBA to straight (non-premultiplied) NRGBA.
func straightAlpha(img *image.RGBA) *image.NRGBA {
	out := image.NewNRGBA(img.Rect)
	for i := 0; i+3 < len(img.Pix); i += 4 {
		p, q := img.Pix[i:i+4], out.Pix[i:i+4]
		switch a := uint16(p[3]); a {
		case 0:
			// Fully transparent: colour is meaningless, and black compresses best.
		case 255:
			copy(q, p)
		default:
			for c := range 3 {
				q[c] = uint8(min(255, (uint16(p[c])*255+a/2)/a))
			}
			q[3] = p[3]
		}
	}
	return out
}
