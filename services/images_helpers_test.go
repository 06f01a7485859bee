package services

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/gen2brain/webp"
	xwebp "golang.org/x/image/webp"
)

// Test images are generated here, so that each test shows what its input is;
// the few that Go cannot write (CMYK JPEG, a libwebp WebP) are committed under
// testdata/images.

// photoLike draws a deterministic picture with what makes photos costly to
// encode: smooth gradients, hard-edged shapes, fine texture and sensor noise.
// A flat colour would make every encoder look fast.
func photoLike(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 42))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	waveX, waveY := make([]float64, w), make([]float64, h)
	grainX, grainY := make([]float64, w), make([]float64, h)
	for x := range w {
		waveX[x] = math.Sin(float64(x) / (float64(w) / 7))
		grainX[x] = math.Sin(float64(x) / 3.1)
	}
	for y := range h {
		waveY[y] = math.Cos(float64(y) / (float64(h) / 5))
		grainY[y] = math.Sin(float64(y) / 2.7)
	}
	for y := range h {
		for x := range w {
			grain := 14*grainX[x]*grainY[y] + rng.NormFloat64()*2
			p := img.Pix[img.PixOffset(x, y):]
			p[0] = clampByte(128 + 70*waveX[x] + grain)
			p[1] = clampByte(110 + 50*waveY[y] + 30*waveX[x] + grain)
			p[2] = clampByte(100 - 60*waveY[y] + grain)
			p[3] = 255
		}
	}
	for range 12 {
		cx, cy := rng.IntN(w), rng.IntN(h)
		r := 1 + rng.IntN(max(1, min(w, h)/6))
		c := [3]float64{rng.Float64() * 255, rng.Float64() * 255, rng.Float64() * 255}
		for y := max(0, cy-r); y < min(h, cy+r); y++ {
			for x := max(0, cx-r); x < min(w, cx+r); x++ {
				if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r {
					p := img.Pix[img.PixOffset(x, y):]
					for i := range 3 {
						p[i] = clampByte(0.3*float64(p[i]) + 0.7*c[i])
					}
				}
			}
		}
	}
	return img
}

func clampByte(v float64) uint8 { return uint8(max(0, min(255, math.Round(v)))) }

// quadrants draws a w×h image whose four quadrants are the given colours
// (top-left, top-right, bottom-left, bottom-right), to see where pixels end up.
func quadrants(w, h int, tl, tr, bl, br color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := tl
			switch {
			case x >= w/2 && y < h/2:
				c = tr
			case x < w/2 && y >= h/2:
				c = bl
			case x >= w/2 && y >= h/2:
				c = br
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

var (
	red   = color.NRGBA{220, 30, 30, 255}
	green = color.NRGBA{30, 200, 60, 255}
	blue  = color.NRGBA{30, 60, 220, 255}
	white = color.NRGBA{255, 255, 255, 255}
	black = color.NRGBA{0, 0, 0, 255}
)

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeGIF(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeTestWebP(t testing.TB, img image.Image, lossless bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := webp.Encode(&buf, img, webp.Options{Quality: 90, Lossless: lossless}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "images", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withSegments inserts JPEG marker segments right after the SOI marker.
func withSegments(jpegData []byte, segments ...[]byte) []byte {
	out := append([]byte{}, jpegData[:2]...)
	for _, s := range segments {
		out = append(out, s...)
	}
	return append(out, jpegData[2:]...)
}

// segment builds one JPEG marker segment (0xFF, marker, length, payload).
func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// gpsLatitude is the GPS IFD's latitude (51° 30' 26.67"), recognisable in
// output bytes should any of it survive.
var gpsLatitude = []byte{0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0x0A, 0x6B, 0, 0, 0, 100}

// exifTIFF builds a big-endian TIFF block with IFD0 holding ImageDescription,
// Orientation and a pointer to a GPS IFD with a latitude, as phones write it.
func exifTIFF(orientation uint16, description string) []byte {
	be := binary.BigEndian
	ifd0 := uint32(8)
	const ifd0Entries = 3
	descOffset := ifd0 + 2 + ifd0Entries*12 + 4
	desc := append([]byte(description), 0)
	gpsOffset := descOffset + uint32(len(desc))
	const gpsEntries = 2
	latOffset := gpsOffset + 2 + gpsEntries*12 + 4

	var b []byte
	b = append(b, "MM"...)
	b = be.AppendUint16(b, 42)
	b = be.AppendUint32(b, ifd0)
	entry := func(tag, typ uint16, count uint32, value []byte) {
		b = be.AppendUint16(b, tag)
		b = be.AppendUint16(b, typ)
		b = be.AppendUint32(b, count)
		b = append(b, append(value, make([]byte, 4-len(value))...)...)
	}
	b = be.AppendUint16(b, ifd0Entries)
	entry(0x010E, 2, uint32(len(desc)), be.AppendUint32(nil, descOffset)) // ImageDescription
	entry(0x0112, 3, 1, be.AppendUint16(nil, orientation))                // Orientation
	entry(0x8825, 4, 1, be.AppendUint32(nil, gpsOffset))                  // GPSInfo
	b = be.AppendUint32(b, 0)
	b = append(b, desc...)
	b = be.AppendUint16(b, gpsEntries)
	entry(0x0001, 2, 2, []byte("N\x00"))                 // GPSLatitudeRef
	entry(0x0002, 5, 3, be.AppendUint32(nil, latOffset)) // GPSLatitude, three RATIONALs
	b = be.AppendUint32(b, 0)
	return append(b, gpsLatitude...)
}

func exifSegment(tiff []byte) []byte {
	return segment(0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

// pngChunk builds one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngHeaderOnly is a PNG whose IHDR claims width×height and whose image data
// is a few bytes: what a decompression bomb looks like before it explodes.
func pngHeaderOnly(width, height uint32, bitDepth, colorType byte) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, width)
	ihdr = binary.BigEndian.AppendUint32(ihdr, height)
	ihdr = append(ihdr, bitDepth, colorType, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

// webpExtendedHeader is the start of an extended (VP8X) WebP file with the
// given flags and canvas size.
func webpExtendedHeader(flags byte, width, height int) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WEBPVP8X")
	b = binary.LittleEndian.AppendUint32(b, 10)
	b = append(b, flags, 0, 0, 0)
	b = append(b, byte(width-1), byte((width-1)>>8), byte((width-1)>>16))
	b = append(b, byte(height-1), byte((height-1)>>8), byte((height-1)>>16))
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// webpChunks lists the chunk types of a WebP file, checking the RIFF framing.
func webpChunks(t testing.TB, data []byte) []string {
	t.Helper()
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		t.Fatalf("not a WebP file: % x", data[:min(len(data), 16)])
	}
	if size := binary.LittleEndian.Uint32(data[4:]); int(size) != len(data)-8 {
		t.Fatalf("RIFF size %d, file has %d bytes after the header", size, len(data)-8)
	}
	var chunks []string
	for i := 12; i < len(data); {
		if i+8 > len(data) {
			t.Fatalf("chunk header cut at %d", i)
		}
		size := int(binary.LittleEndian.Uint32(data[i+4:]))
		chunks = append(chunks, string(data[i:i+4]))
		i += 8 + size + size%2
	}
	return chunks
}

// decodeVariant checks that a variant is a plain WebP image (no EXIF, XMP or
// ICC chunk) of the stated size, and returns its pixels as browsers show them.
func decodeVariant(t testing.TB, v ImageVariant) *image.RGBA {
	t.Helper()
	for _, c := range webpChunks(t, v.Bytes) {
		switch c {
		case "VP8 ", "VP8L", "ALPH":
		case "VP8X":
			if flags := v.Bytes[20]; flags&(0x20|0x08|0x04|0x02) != 0 {
				t.Fatalf("VP8X flags %08b announce ICC, EXIF, XMP or animation", flags)
			}
		default:
			t.Fatalf("variant has a %q chunk", c)
		}
	}
	img, err := xwebp.Decode(bytes.NewReader(v.Bytes))
	if err != nil {
		t.Fatalf("variant does not decode: %v", err)
	}
	if got := img.Bounds().Size(); got != image.Pt(v.Width, v.Height) {
		t.Fatalf("variant decodes to %v, says %dx%d", got, v.Width, v.Height)
	}
	return toRGBA(img, true, 1)
}

// assertColor checks the straight (non-premultiplied) colour at x, y within tol per channel.
func assertColor(t testing.TB, img *image.RGBA, x, y int, want color.NRGBA, tol int) {
	t.Helper()
	got := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
	diff := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
	if diff(got.A, want.A) > tol || (want.A > 0 &&
		(diff(got.R, want.R) > tol || diff(got.G, want.G) > tol || diff(got.B, want.B) > tol)) {
		t.Fatalf("pixel (%d,%d) = %v, want %v ± %d", x, y, got, want, tol)
	}
}
