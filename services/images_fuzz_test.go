package services

import (
	"image"
	"image/color"
	"testing"

	"github.com/storefront/storefront/models"
)

// Uploaded files are hostile. The fuzz targets check properties that must hold
// for every input, on top of the seeds below and the committed corpus in
// testdata/fuzz/ (which `go test` runs as ordinary cases; scripts/fuzz.sh
// explores further).

// jpegFuzzSeeds are small JPEGs, one with phone-style EXIF.
func jpegFuzzSeeds(t testing.TB) [][]byte {
	photo := photoLike(8, 6, 1)
	return [][]byte{
		encodeJPEG(t, photo),
		encodeJPEG(t, image.NewGray(image.Rect(0, 0, 4, 4))),
		withSegments(encodeJPEG(t, photo), exifSegment(exifTIFF(6, "x"))),
	}
}

// imageFuzzSeeds are small valid files of each kind the decoders distinguish
// (colour types, bit depths, palettes, alpha, orientation), for the fuzzer to
// mutate.
func imageFuzzSeeds(t testing.TB) [][]byte {
	photo := photoLike(8, 6, 1)
	gray16 := image.NewGray16(image.Rect(0, 0, 3, 2))
	gray16.SetGray16(1, 1, color.Gray16{Y: 0x8000})
	paletted := image.NewPaletted(image.Rect(0, 0, 3, 2), color.Palette{color.Transparent, color.White})
	paletted.Pix[0] = 1
	return append(jpegFuzzSeeds(t),
		encodePNG(t, photo),
		encodePNG(t, image.NewNRGBA64(image.Rect(0, 0, 2, 2))),
		encodePNG(t, gray16),
		encodePNG(t, paletted),
		encodeGIF(t, paletted),
		encodeTestWebP(t, photo, false),
		encodeTestWebP(t, photo, true),
		pngHeaderOnly(50_000, 50_000, 8, 6),
		webpExtendedHeader(0x02, 10, 10),
	)
}

// FuzzInspectImage: InspectImage never panics and either refuses with an
// EINVALID message or accepts one of the four formats within the limits; an
// accepted small image decodes and converts without panicking, whatever
// pixel type the decoder returns.
func FuzzInspectImage(f *testing.F) {
	for _, seed := range imageFuzzSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := InspectImage(data)
		if err != nil {
			if models.ErrorCode(err) != models.EINVALID || models.ErrorMessage(err) == "" {
				t.Fatalf("refusal is not an EINVALID message: %v", err)
			}
			return
		}
		if format, _ := sniffImage(data); info.Format != format {
			t.Fatalf("format %q, the signature says %q", info.Format, format)
		}
		if info.Width < 1 || info.Height < 1 || info.Width > MaxImageSide || info.Height > MaxImageSide ||
			info.Width*info.Height > MaxImagePixels {
			t.Fatalf("accepted %dx%d", info.Width, info.Height)
		}
		if info.Width*info.Height > 64*64 {
			return // decoding big ones is slow, and the standard decoders are fuzzed upstream
		}
		img, err := decodeImage(info.Format, data)
		if err != nil {
			return
		}
		if info.Format == ImageGIF {
			img = gifCanvas(img, info.Width, info.Height)
		}
		for k := 1; k <= 3; k++ {
			out := toRGBA(img, info.Format == ImageWebP, k)
			b := img.Bounds()
			if want := image.Pt((b.Dx()+k-1)/k, (b.Dy()+k-1)/k); out.Rect.Size() != want {
				t.Fatalf("toRGBA(%v, k=%d) is %v, want %v", b, k, out.Rect.Size(), want)
			}
		}
	})
}

// FuzzExifOrientation: the EXIF reader never panics or reads out of bounds,
// and always returns an orientation from 1 to 8.
func FuzzExifOrientation(f *testing.F) {
	for _, seed := range jpegFuzzSeeds(f) {
		f.Add(seed)
	}
	f.Add(exifTIFF(3, "description"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("exifOrientation = %d", o)
		}
		// The input as a bare TIFF block, which the JPEG path rarely reaches.
		if o := tiffOrientation(data); o < 1 || o > 8 {
			t.Fatalf("tiffOrientation = %d", o)
		}
	})
}
