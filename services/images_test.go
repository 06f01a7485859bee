package services

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"io"
	"runtime"
	"testing"

	"github.com/storefront/storefront/models"
)

func TestInspectImageAcceptsEachFormat(t *testing.T) {
	photo := photoLike(64, 48, 1)
	for name, c := range map[string]struct {
		data   []byte
		format ImageFormat
		w, h   int
	}{
		"jpeg":                  {encodeJPEG(t, photo), ImageJPEG, 64, 48},
		"jpeg cmyk":             {readFixture(t, "video-001.cmyk.jpeg"), ImageJPEG, 150, 103},
		"jpeg progressive":      {readFixture(t, "video-001.progressive.jpeg"), ImageJPEG, 150, 103},
		"png":                   {encodePNG(t, photo), ImagePNG, 64, 48},
		"gif":                   {encodeGIF(t, photo), ImageGIF, 64, 48},
		"webp lossy":            {encodeTestWebP(t, photo, false), ImageWebP, 64, 48},
		"webp lossless":         {encodeTestWebP(t, photo, true), ImageWebP, 64, 48},
		"webp lossy with alpha": {readFixture(t, "yellow_rose.lossy-with-alpha.webp"), ImageWebP, 400, 301},
	} {
		info, err := InspectImage(c.data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if want := (ImageInfo{c.format, c.w, c.h}); info != want {
			t.Errorf("%s: InspectImage = %+v, want %+v", name, info, want)
		}
	}
}

// assertRefused checks that err is the EINVALID refusal with message msg,
// also under the form field.
func assertRefused(t *testing.T, what string, err error, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: accepted, want %q", what, msg)
	}
	if models.ErrorCode(err) != models.EINVALID || models.ErrorMessage(err) != msg {
		t.Fatalf("%s: error %v, want EINVALID %q", what, err, msg)
	}
	if got := models.FieldErrors(err)[ImageFieldName]; got != msg {
		t.Fatalf("%s: field %q message %q, want %q", what, ImageFieldName, got, msg)
	}
}

func TestInspectImageRefuses(t *testing.T) {
	smallJPEG := encodeJPEG(t, photoLike(32, 32, 2))
	smallGIF := encodeGIF(t, photoLike(32, 32, 3))
	// jpegSized rewrites the size in a JPEG's SOF0 header.
	jpegSized := func(w, h uint16) []byte {
		data := bytes.Clone(smallJPEG)
		sof := bytes.Index(data, []byte{0xFF, 0xC0})
		data[sof+5], data[sof+6], data[sof+7], data[sof+8] = byte(h>>8), byte(h), byte(w>>8), byte(w)
		return data
	}
	gifSized := func(w, h uint16) []byte {
		data := bytes.Clone(smallGIF)
		data[6], data[7], data[8], data[9] = byte(w), byte(w>>8), byte(h), byte(h>>8)
		return data
	}
	twelveMB := append(bytes.Clone(smallJPEG), make([]byte, 12<<20)...)

	for _, c := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty file", nil, msgImageEmpty},
		// File names and Content-Types never reach InspectImage: an HTML page
		// uploaded as photo.jpg with image/jpeg is judged by its bytes alone.
		{"HTML named .jpg", []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script>"), msgImageNotImage},
		{"SVG with script", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10"/></svg>`), msgImageNotImage},
		{"SVG without XML declaration", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), msgImageNotImage},
		{"PDF renamed .jpg", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"), msgImageNotImage},
		{"BMP (decodable by Go, not accepted)", append([]byte("BM"), make([]byte, 64)...), msgImageNotImage},
		{"TIFF", []byte("II*\x00\x08\x00\x00\x00"), msgImageNotImage},
		{"text", []byte("just some text"), msgImageNotImage},
		{"JPEG signature then HTML", []byte("\xff\xd8<html><script>alert(1)</script></html>"), msgImageDamaged},
		{"truncated JPEG header", smallJPEG[:40], msgImageDamaged},
		{"truncated PNG header", encodePNG(t, photoLike(8, 8, 4))[:20], msgImageDamaged},
		{"12 MB file", twelveMB, msgImageTooBig},
		{"PNG header claiming 50,000x50,000", pngHeaderOnly(50_000, 50_000, 8, 6), msgImageTooManyPx},
		{"PNG header claiming 2^31-1 x 1", pngHeaderOnly(1<<31-1, 1, 8, 6), msgImageTooManyPx},
		{"PNG 20,000x100", pngHeaderOnly(20_000, 100, 8, 2), msgImageTooLongSide},
		{"PNG header claiming 8,000x8,000", pngHeaderOnly(8_000, 8_000, 8, 2), msgImageTooManyPx},
		{"PNG 1x40,000,001", pngHeaderOnly(1, 40_000_001, 8, 0), msgImageTooManyPx},
		{"PNG 1x16,384", pngHeaderOnly(1, 16_384, 8, 0), msgImageTooLongSide},
		{"PNG 16-bit RGBA 25 megapixels", pngHeaderOnly(5_000, 5_000, 16, 6), msgImageTooMany16},
		{"PNG zero width", pngHeaderOnly(0, 10, 8, 2), msgImageDamaged},
		{"JPEG header claiming 65,535x65,535", jpegSized(65535, 65535), msgImageTooManyPx},
		{"JPEG header claiming 30,000x1,000", jpegSized(30000, 1000), msgImageTooLongSide},
		{"JPEG header claiming 8,000x6,000", jpegSized(8000, 6000), msgImageTooManyPx},
		{"GIF header claiming 65,535x65,535", gifSized(65535, 65535), msgImageTooManyPx},
		{"GIF header claiming 10,000x5,000", gifSized(10000, 5000), msgImageTooManyPx},
		{"WebP canvas 16,383x16,383", webpExtendedHeader(0, 16383, 16383), msgImageTooManyPx},
		{"animated WebP", webpExtendedHeader(0x02, 100, 100), msgImageAnimated},
	} {
		_, err := InspectImage(c.data)
		assertRefused(t, c.name, err, c.msg)
	}
}

func TestInspectImageDoesNotAllocateForABombHeader(t *testing.T) {
	bomb := pngHeaderOnly(50_000, 50_000, 8, 6) // 10 GB as RGBA
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 100
	for range runs {
		if _, err := InspectImage(bomb); err == nil {
			t.Fatal("accepted")
		}
	}
	runtime.ReadMemStats(&after)
	if perRun := (after.TotalAlloc - before.TotalAlloc) / runs; perRun > 64<<10 {
		t.Fatalf("InspectImage allocated %d bytes per run for a header-only bomb", perRun)
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestReadImageUploadStopsAtTheLimit(t *testing.T) {
	big := &countingReader{r: io.LimitReader(zeroReader{}, 12<<20)}
	_, err := ReadImageUpload(big)
	assertRefused(t, "12 MB upload", err, msgImageTooBig)
	if big.n > MaxImageBytes+1 {
		t.Fatalf("read %d bytes of a 12 MB upload, want at most %d", big.n, MaxImageBytes+1)
	}

	exact := bytes.Repeat([]byte{7}, MaxImageBytes)
	got, err := ReadImageUpload(bytes.NewReader(exact))
	if err != nil || len(got) != MaxImageBytes {
		t.Fatalf("upload of exactly %d bytes: %d bytes, %v", MaxImageBytes, len(got), err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// process runs one upload through a fresh one-slot Images.
func process(t *testing.T, data []byte) ProcessedImage {
	t.Helper()
	out, err := NewImages(1).Process(context.Background(), data)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return out
}

func TestProcessImageEachFormat(t *testing.T) {
	// A picture with four flat quadrants survives every format and resize
	// recognisably; the GIF palette and lossy codecs get a tolerance.
	pic := quadrants(120, 80, red, green, blue, white)
	paletted := image.NewPaletted(pic.Bounds(), color.Palette{red, green, blue, white})
	draw.Draw(paletted, pic.Bounds(), pic, image.Point{}, draw.Src)
	for name, data := range map[string][]byte{
		"jpeg":          encodeJPEG(t, pic),
		"png":           encodePNG(t, pic),
		"gif":           encodeGIF(t, paletted),
		"webp lossy":    encodeTestWebP(t, pic, false),
		"webp lossless": encodeTestWebP(t, pic, true),
	} {
		t.Run(name, func(t *testing.T) {
			out := process(t, data)
			if out.Width != 120 || out.Height != 80 || len(out.Variants) != 1 {
				t.Fatalf("got %dx%d with %d variants, want 120x80 with one (never enlarged)", out.Width, out.Height, len(out.Variants))
			}
			img := decodeVariant(t, out.Variants[0])
			assertColor(t, img, 20, 20, red, 16)
			assertColor(t, img, 100, 20, green, 16)
			assertColor(t, img, 20, 60, blue, 16)
			assertColor(t, img, 100, 60, white, 16)
		})
	}
}

func TestProcessImageVariants(t *testing.T) {
	// 1800×900 to 1600×800 by Transform (Scale's buffer would be 46 MB),
	// then 2× steps by Scale. The quadrants land where they should in every
	// variant.
	out := process(t, encodeJPEG(t, quadrants(1800, 900, red, green, blue, white)))
	if out.Width != 1800 || out.Height != 900 {
		t.Fatalf("original size %dx%d", out.Width, out.Height)
	}
	want := []image.Point{{1600, 800}, {800, 400}, {400, 200}}
	if len(out.Variants) != len(want) {
		t.Fatalf("%d variants, want %v", len(out.Variants), want)
	}
	for i, v := range out.Variants {
		if got := image.Pt(v.Width, v.Height); got != want[i] {
			t.Errorf("variant %d is %v, want %v", i, got, want[i])
		}
		if v.ContentType != "image/webp" {
			t.Errorf("variant %d content type %q", i, v.ContentType)
		}
		sum := sha256.Sum256(v.Bytes)
		if v.Key != hex.EncodeToString(sum[:])+".webp" {
			t.Errorf("variant %d key %q is not the SHA-256 of its bytes", i, v.Key)
		}
		img := decodeVariant(t, v)
		w, h := v.Width, v.Height
		assertColor(t, img, w/4, h/4, red, 16)
		assertColor(t, img, 3*w/4, h/4, green, 16)
		assertColor(t, img, w/4, 3*h/4, blue, 16)
		assertColor(t, img, 3*w/4, 3*h/4, white, 16)
	}
}

func TestProcessImageKeysFollowContent(t *testing.T) {
	data := encodeJPEG(t, photoLike(500, 300, 5))
	first, again := process(t, data), process(t, data)
	other := process(t, encodeJPEG(t, photoLike(500, 300, 6)))
	for i := range first.Variants {
		if again.Variants[i].Key != first.Variants[i].Key {
			t.Fatalf("the same upload gave variant %d keys %s and %s", i, first.Variants[i].Key, again.Variants[i].Key)
		}
		if other.Variants[i].Key == first.Variants[i].Key {
			t.Fatalf("two different uploads share the key %s", first.Variants[i].Key)
		}
	}
}

func TestVariantSizes(t *testing.T) {
	for _, c := range []struct {
		w, h int
		want []image.Point
	}{
		{4000, 3000, []image.Point{{1600, 1200}, {800, 600}, {400, 300}}},
		{3000, 4000, []image.Point{{1200, 1600}, {600, 800}, {300, 400}}},
		{1000, 500, []image.Point{{1000, 500}, {800, 400}, {400, 200}}},
		{800, 800, []image.Point{{800, 800}, {400, 400}}},
		{300, 200, []image.Point{{300, 200}}},
		{1, 1, []image.Point{{1, 1}}},
		{16383, 2, []image.Point{{1600, 1}, {800, 1}, {400, 1}}},
	} {
		got := variantSizes(c.w, c.h)
		if len(got) != len(c.want) {
			t.Errorf("variantSizes(%d, %d) = %v, want %v", c.w, c.h, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("variantSizes(%d, %d) = %v, want %v", c.w, c.h, got, c.want)
				break
			}
		}
	}
}

func TestProcessImageStripsExifAndFollowsOrientation(t *testing.T) {
	// Stored as a camera held sideways would store it; Orientation 6 says
	// "turn 90° clockwise to display", and GPS says where it was taken.
	stored := quadrants(120, 80, red, green, blue, white)
	const description = "SECRET-DESCRIPTION home of the seller"
	const comment = "SECRET-COMMENT <script>alert(1)</script>"
	icc := append([]byte("ICC_PROFILE\x00\x01\x01"), []byte("SECRET-ICC-PROFILE")...)
	data := withSegments(encodeJPEG(t, stored),
		exifSegment(exifTIFF(6, description)),
		segment(0xE2, icc),
		segment(0xFE, []byte(comment)))
	if exifOrientation(data) != 6 {
		t.Fatal("test input: orientation not readable")
	}

	out := process(t, data)
	if out.Width != 80 || out.Height != 120 {
		t.Fatalf("original size %dx%d, want 80x120 (sides swapped)", out.Width, out.Height)
	}
	v := out.Variants[0]
	if v.Width != 80 || v.Height != 120 {
		t.Fatalf("variant %dx%d, want 80x120", v.Width, v.Height)
	}
	for _, trace := range [][]byte{[]byte("Exif"), []byte("SECRET"), []byte("ICC_PROFILE"), []byte("<script"), gpsLatitude} {
		if bytes.Contains(v.Bytes, trace) {
			t.Fatalf("variant contains %q", trace)
		}
	}
	// Turned clockwise, the stored left column is the top row: blue top-left,
	// red top-right, white bottom-left, green bottom-right.
	img := decodeVariant(t, v)
	assertColor(t, img, 20, 20, blue, 16)
	assertColor(t, img, 60, 20, red, 16)
	assertColor(t, img, 20, 100, white, 16)
	assertColor(t, img, 60, 100, green, 16)
}

func TestProcessImageRefusesDamagedFiles(t *testing.T) {
	jpegData := encodeJPEG(t, photoLike(200, 150, 6))
	pngData := encodePNG(t, photoLike(200, 150, 7))
	gifData := encodeGIF(t, photoLike(200, 150, 8))
	for name, data := range map[string][]byte{
		"jpeg cut in half": jpegData[:len(jpegData)/2],
		"png cut in half":  pngData[:len(pngData)/2],
		"gif cut in half":  gifData[:len(gifData)/2],
		"png with a corrupted IDAT": func() []byte {
			d := bytes.Clone(pngData)
			i := bytes.Index(d, []byte("IDAT"))
			copy(d[i+20:], bytes.Repeat([]byte{0xAA}, 64))
			return d
		}(),
	} {
		if _, err := InspectImage(data); err != nil {
			t.Fatalf("%s: the header is intact, InspectImage should pass it: %v", name, err)
		}
		_, err := NewImages(1).Process(context.Background(), data)
		assertRefused(t, name, err, msgImageDamaged)
	}
}

func TestProcessImagePolyglotLosesItsPayload(t *testing.T) {
	// A polyglot is a valid image that is also something else (a ZIP, a
	// script). The image part is accepted; the original is never stored or
	// served, and re-encoding from pixels leaves nothing of the rest.
	const zipPayload = "<script>alert('zip-payload')</script>"
	var archive bytes.Buffer
	zw := zip.NewWriter(&archive)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: "payload.html", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, zipPayload)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	jpegZip := withSegments(encodeJPEG(t, photoLike(64, 64, 9)), segment(0xFE, []byte("<script>alert('comment-payload')</script>")))
	jpegZip = append(jpegZip, archive.Bytes()...)

	// GIF/JavaScript: a 10,799-pixel-wide GIF starts "GIF89a/*", so a browser
	// running it as a script sees a comment, then the code after the trailer.
	const jsPayload = "*/=alert('gif-payload');"
	wide := image.NewPaletted(image.Rect(0, 0, 10799, 10), color.Palette{color.Black, color.White})
	gifJS := append(encodeGIF(t, wide), jsPayload...)
	if !bytes.HasPrefix(gifJS, []byte("GIF89a/*")) {
		t.Fatalf("test input: GIF starts %q", gifJS[:8])
	}

	for name, c := range map[string]struct {
		data    []byte
		payload []string
	}{
		"JPEG with a ZIP appended and a script comment": {jpegZip, []string{zipPayload, "PK\x03\x04", "comment-payload"}},
		"GIF/JavaScript": {gifJS, []string{jsPayload, "GIF89a"}},
	} {
		for _, p := range c.payload {
			if !bytes.Contains(c.data, []byte(p)) {
				t.Fatalf("%s: test input lacks %q", name, p)
			}
		}
		out := process(t, c.data)
		for _, v := range out.Variants {
			decodeVariant(t, v)
			for _, p := range c.payload {
				if bytes.Contains(v.Bytes, []byte(p)) {
					t.Fatalf("%s: variant %dx%d contains %q", name, v.Width, v.Height, p)
				}
			}
		}
	}
}

func TestProcessImageAnimatedGIFFirstFrame(t *testing.T) {
	palette := color.Palette{color.Transparent, red, blue}
	frame := func(r image.Rectangle, index uint8) *image.Paletted {
		f := image.NewPaletted(r, palette)
		for i := range f.Pix {
			f.Pix[i] = index
		}
		return f
	}
	var buf bytes.Buffer
	anim := &gif.GIF{
		// The first frame covers only the bottom-right corner of the 40×40
		// screen; the rest of the screen is transparent until the second frame.
		Image:  []*image.Paletted{frame(image.Rect(30, 30, 40, 40), 1), frame(image.Rect(0, 0, 40, 40), 2)},
		Delay:  []int{10, 10},
		Config: image.Config{Width: 40, Height: 40, ColorModel: palette},
	}
	if err := gif.EncodeAll(&buf, anim); err != nil {
		t.Fatal(err)
	}
	out := process(t, buf.Bytes())
	if out.Width != 40 || out.Height != 40 {
		t.Fatalf("size %dx%d, want the 40x40 screen", out.Width, out.Height)
	}
	img := decodeVariant(t, out.Variants[0])
	assertColor(t, img, 35, 35, red, 16)
	assertColor(t, img, 10, 10, color.NRGBA{}, 8)
}

func TestProcessImageCMYKJPEG(t *testing.T) {
	// A CMYK JPEG comes out as Go's own tests expect it decoded (their
	// reference PNG), not crashed on nor with inverted or missing channels.
	cmyk := decodeVariant(t, process(t, readFixture(t, "video-001.cmyk.jpeg")).Variants[0])
	rgb := decodeVariant(t, process(t, readFixture(t, "video-001.cmyk.png")).Variants[0])
	var diff, n int
	for i := 0; i < len(rgb.Pix); i += 4 {
		for c := range 3 {
			diff += max(int(cmyk.Pix[i+c])-int(rgb.Pix[i+c]), int(rgb.Pix[i+c])-int(cmyk.Pix[i+c]))
			n++
		}
	}
	if mean := float64(diff) / float64(n); mean > 6 {
		t.Fatalf("CMYK JPEG and its reference differ by %.1f per channel on average", mean)
	}
}

func TestProcessImage16BitAndPalettedPNG(t *testing.T) {
	deep := image.NewNRGBA64(image.Rect(0, 0, 60, 40))
	for y := range 40 {
		for x := range 60 {
			c := color.NRGBA64{0xDC00, 0x1E00, 0x1E00, 0xFFFF} // red
			if x >= 30 {
				c = color.NRGBA64{0x1E00, 0x3C00, 0xDC00, 0x8000} // half-transparent blue
			}
			deep.SetNRGBA64(x, y, c)
		}
	}
	img := decodeVariant(t, process(t, encodePNG(t, deep)).Variants[0])
	assertColor(t, img, 10, 20, red, 12)
	assertColor(t, img, 50, 20, color.NRGBA{30, 60, 220, 128}, 12)

	paletted := image.NewPaletted(image.Rect(0, 0, 60, 40), color.Palette{color.NRGBA{}, green})
	for i := range paletted.Pix[:len(paletted.Pix)/2] {
		paletted.Pix[i] = 1 // top half green, bottom half transparent (tRNS)
	}
	img = decodeVariant(t, process(t, encodePNG(t, paletted)).Variants[0])
	assertColor(t, img, 30, 10, green, 12)
	assertColor(t, img, 30, 30, color.NRGBA{}, 8)
}

func TestProcessImageKeepsTransparency(t *testing.T) {
	// Variants are WebP and keep the alpha channel (they are not flattened):
	// a product cut out on transparency stays so on any page background.
	pic := quadrants(80, 80, red, color.NRGBA{}, color.NRGBA{30, 200, 60, 128}, blue)
	img := decodeVariant(t, process(t, encodePNG(t, pic)).Variants[0])
	assertColor(t, img, 20, 20, red, 12)
	assertColor(t, img, 60, 20, color.NRGBA{}, 8)
	assertColor(t, img, 20, 60, color.NRGBA{30, 200, 60, 128}, 12)
	assertColor(t, img, 60, 60, blue, 12)

	rose := process(t, readFixture(t, "yellow_rose.lossy-with-alpha.webp"))
	roseImg := decodeVariant(t, rose.Variants[0])
	if roseImg.Opaque() {
		t.Fatal("the rose lost its transparency")
	}
}

func TestProcessImageWebPColourRange(t *testing.T) {
	// Lossy WebP stores video-range YCbCr; read as JPEG's full range, white
	// would come out as 235 grey and black as 16 (golang/go#40173).
	pic := quadrants(64, 64, white, black, red, blue)
	img := decodeVariant(t, process(t, encodeTestWebP(t, pic, false)).Variants[0])
	assertColor(t, img, 16, 16, white, 6)
	assertColor(t, img, 48, 16, black, 6)
	assertColor(t, img, 16, 48, red, 12)
	assertColor(t, img, 48, 48, blue, 12)
}

func TestImagesWaitForAFreeSlot(t *testing.T) {
	images := NewImages(2)
	if cap(images.slots) != 2 {
		t.Fatalf("%d slots, want 2", cap(images.slots))
	}
	if cap(NewImages(0).slots) != runtime.GOMAXPROCS(0) {
		t.Fatalf("NewImages(0) has %d slots, want GOMAXPROCS", cap(NewImages(0).slots))
	}
	data := encodePNG(t, photoLike(20, 20, 10))

	// Both slots busy: a request whose context ends while waiting gives up
	// with EUNAVAILABLE, without processing.
	images.slots <- struct{}{}
	images.slots <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := images.Process(ctx, data)
	if models.ErrorCode(err) != models.EUNAVAILABLE || !errors.Is(err, context.Canceled) {
		t.Fatalf("Process with every slot busy and a cancelled context: %v, want EUNAVAILABLE", err)
	}

	// A waiting request goes ahead once a slot is released.
	done := make(chan error, 1)
	go func() {
		_, err := images.Process(context.Background(), data)
		done <- err
	}()
	<-images.slots
	if err := <-done; err != nil {
		t.Fatalf("Process after a slot was freed: %v", err)
	}
	if n := len(images.slots); n != 1 {
		t.Fatalf("%d slots taken after Process returned, want 1 (the test's own)", n)
	}
}

func TestProcessImageStopsWhenTheContextEnds(t *testing.T) {
	// A free slot is taken even with an ended context, but the work stops at
	// the first check and reports the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewImages(1).Process(ctx, encodeJPEG(t, photoLike(100, 100, 11)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Process with a cancelled context: %v, want context.Canceled", err)
	}
}

func TestProcessImageConcurrentUploads(t *testing.T) {
	// Several uploads at once through two slots, under the race detector: the
	// WebP encoder's shared runtime and each call's buffers must not collide.
	images := NewImages(2)
	inputs := make([][]byte, 4)
	for i := range inputs {
		inputs[i] = encodeJPEG(t, photoLike(300, 200, uint64(20+i)))
	}
	errs := make(chan error, len(inputs))
	for _, data := range inputs {
		go func() {
			out, err := images.Process(context.Background(), data)
			if err == nil && (len(out.Variants) != 1 || out.Variants[0].Width != 300) {
				err = fmt.Errorf("got %d variants, the first %dx%d; want one 300 wide", len(out.Variants), out.Variants[0].Width, out.Variants[0].Height)
			}
			errs <- err
		}()
	}
	for range inputs {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
