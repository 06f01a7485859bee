package services

import (
	"image"
	"image/color"
	"testing"

	"golang.org/x/image/draw"
)

func TestToRGBABoxAverage(t *testing.T) {
	// 5×3 straight-alpha pixels, shrunk by 2: full 2×2 blocks, a 1×2 column
	// block, 2×1 row blocks and a 1×1 corner, each averaged over what it has.
	src := image.NewNRGBA(image.Rect(0, 0, 5, 3))
	for y := range 3 {
		for x := range 5 {
			src.SetNRGBA(x, y, color.NRGBA{uint8(10 * (x + 5*y)), 100, 0, 255})
		}
	}
	src.SetNRGBA(1, 1, color.NRGBA{200, 200, 200, 0}) // transparent: counts as nothing, colour ignored
	got := toRGBA(src, false, 2)
	if got.Rect != image.Rect(0, 0, 3, 2) {
		t.Fatalf("size %v, want 3x2", got.Rect)
	}
	want := map[image.Point]color.RGBA{
		{0, 0}: {(0 + 10 + 50 + 0) / 4, 75, 0, 191}, // premultiplied: the transparent pixel adds 0
		{1, 0}: {(20 + 30 + 70 + 80 + 2) / 4, 100, 0, 255},
		{2, 0}: {(40 + 90) / 2, 100, 0, 255},
		{0, 1}: {(100 + 110) / 2, 100, 0, 255},
		{1, 1}: {(120 + 130) / 2, 100, 0, 255},
		{2, 1}: {140, 100, 0, 255},
	}
	for p, w := range want {
		if c := got.RGBAAt(p.X, p.Y); c != w {
			t.Errorf("pixel %v = %v, want %v", p, c, w)
		}
	}
}

func TestYCbCrRanges(t *testing.T) {
	full, limited := yCbCrConverter(false), yCbCrConverter(true)
	for _, c := range []struct {
		convert   func(y, cb, cr uint8) (uint8, uint8, uint8)
		y, cb, cr uint8
		want      [3]uint8
	}{
		{full, 255, 128, 128, [3]uint8{255, 255, 255}},
		{full, 0, 128, 128, [3]uint8{0, 0, 0}},
		{limited, 235, 128, 128, [3]uint8{255, 255, 255}}, // video-range white
		{limited, 16, 128, 128, [3]uint8{0, 0, 0}},        // video-range black
		{limited, 126, 128, 128, [3]uint8{128, 128, 128}}, // what libwebp encodes grey 128 as
		// Out of range: R and B clip at 255 and 0 instead of wrapping (worked
		// by hand through VP8YUVToR/G/B).
		{limited, 255, 255, 255, [3]uint8{255, 125, 255}},
		{limited, 0, 0, 0, [3]uint8{0, 136, 0}},
	} {
		r, g, b := c.convert(c.y, c.cb, c.cr)
		if [3]uint8{r, g, b} != c.want {
			t.Errorf("Y=%d Cb=%d Cr=%d: %v, want %v", c.y, c.cb, c.cr, [3]uint8{r, g, b}, c.want)
		}
	}
}

func TestResizeByTransformMatchesScale(t *testing.T) {
	// 1100×1000 → 1050×955 needs a 33.6 MB Scale buffer, so resize uses
	// Transform; the pixels must be what Scale would have made.
	src := photoLike(1100, 1000, 3)
	size := image.Pt(1050, 955)
	if size.X*src.Rect.Dy()*32 <= maxScaleBuffer {
		t.Fatal("test input: small enough for Scale")
	}
	got := resize(src, size)
	want := image.NewRGBA(image.Rectangle{Max: size})
	draw.CatmullRom.Scale(want, want.Rect, src, src.Rect, draw.Src, nil)
	var diff, worst int
	for i := range want.Pix {
		d := max(int(got.Pix[i])-int(want.Pix[i]), int(want.Pix[i])-int(got.Pix[i]))
		diff += d
		worst = max(worst, d)
	}
	if worst > 2 {
		t.Fatalf("Transform and Scale differ by up to %d (mean %.3f)", worst, float64(diff)/float64(len(want.Pix)))
	}
}
