package services

import (
	"image"
	"image/color"

	"golang.org/x/image/draw"
)

// toRGBA converts a decoded image, whatever its pixel type, to 8-bit
// premultiplied RGBA, averaging each k×k block of pixels into one (k = 1 only
// converts). ICC profiles are ignored: the pixels are taken as sRGB.
//
// Shrinking by a whole factor first keeps resizing cheap and small:
// Catmull-Rom's temporary buffer is 32 bytes per pixel of (target width ×
// source height), so going from 4000×3000 to 1600 wide costs 150 MB straight,
// 77 MB from the 2000×1500 box average, and the result looks the same.
//
// limitedRange says that YCbCr samples use the video range (Y 16-235), as lossy
// WebP does; Go's image.YCbCr assumes JPEG's full range, which would turn
// white into light grey (golang/go#40173).
func toRGBA(src image.Image, limitedRange bool, k int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	outW, outH := (w+k-1)/k, (h+k-1)/k
	out := image.NewRGBA(image.Rect(0, 0, outW, outH))
	readRow := rowReader(src, limitedRange)
	if k == 1 {
		for y := range h {
			readRow(y, out.Pix[y*out.Stride:][:w*4])
		}
		return out
	}
	row := make([]uint8, w*4)
	sums := make([]uint32, outW*4)
	for oy := range outH {
		clear(sums)
		rows := min(k, h-oy*k)
		for y := oy * k; y < oy*k+rows; y++ {
			readRow(y, row)
			for ox := range outW {
				s := sums[ox*4 : ox*4+4]
				for x := ox * k; x < min(ox*k+k, w); x++ {
					p := row[x*4 : x*4+4]
					s[0] += uint32(p[0])
					s[1] += uint32(p[1])
					s[2] += uint32(p[2])
					s[3] += uint32(p[3])
				}
			}
		}
		dst := out.Pix[oy*out.Stride:]
		for ox := range outW {
			n := uint32(rows * (min(ox*k+k, w) - ox*k))
			for c := range 4 {
				dst[ox*4+c] = uint8((sums[ox*4+c] + n/2) / n)
			}
		}
	}
	return out
}

// boxFactor is the largest whole factor by which src can shrink and still be at
// least target in both directions.
func boxFactor(src, target image.Point) int {
	return max(1, min(src.X/target.X, src.Y/target.Y))
}

// rowReader returns a function that writes row y (counted from the top of the
// image's bounds) into dst as premultiplied RGBA, with fast paths for the
// types the decoders return and color.Color for the rest (16-bit PNGs).
func rowReader(src image.Image, limitedRange bool) func(y int, dst []uint8) {
	b := src.Bounds()
	w := b.Dx()
	switch m := src.(type) {
	case *image.RGBA:
		return func(y int, dst []uint8) {
			copy(dst, m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w*4])
		}
	case *image.NRGBA:
		return func(y int, dst []uint8) {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w*4]
			for x := range w {
				p := row[x*4 : x*4+4]
				premultiply(dst[x*4:x*4+4], p[0], p[1], p[2], p[3])
			}
		}
	case *image.YCbCr:
		convert := yCbCrConverter(limitedRange)
		return func(y int, dst []uint8) {
			for x := range w {
				yi := m.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bl := convert(m.Y[yi], m.Cb[ci], m.Cr[ci])
				dst[x*4], dst[x*4+1], dst[x*4+2], dst[x*4+3] = r, g, bl, 255
			}
		}
	case *image.NYCbCrA:
		convert := yCbCrConverter(limitedRange)
		return func(y int, dst []uint8) {
			for x := range w {
				yi := m.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bl := convert(m.Y[yi], m.Cb[ci], m.Cr[ci])
				premultiply(dst[x*4:x*4+4], r, g, bl, m.A[m.AOffset(b.Min.X+x, b.Min.Y+y)])
			}
		}
	case *image.Gray:
		return func(y int, dst []uint8) {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w]
			for x, v := range row {
				dst[x*4], dst[x*4+1], dst[x*4+2], dst[x*4+3] = v, v, v, 255
			}
		}
	case *image.CMYK:
		return func(y int, dst []uint8) {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w*4]
			for x := range w {
				p := row[x*4 : x*4+4]
				r, g, bl := color.CMYKToRGB(p[0], p[1], p[2], p[3])
				dst[x*4], dst[x*4+1], dst[x*4+2], dst[x*4+3] = r, g, bl, 255
			}
		}
	case *image.Paletted:
		// An index past the palette (which the decoders refuse anyway) is
		// transparent, never an out-of-range read.
		var lut [256][4]uint8
		for i, c := range m.Palette[:min(len(m.Palette), 256)] {
			r, g, bl, a := c.RGBA()
			lut[i] = [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}
		}
		return func(y int, dst []uint8) {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w]
			for x, i := range row {
				copy(dst[x*4:x*4+4], lut[i][:])
			}
		}
	default:
		return func(y int, dst []uint8) {
			for x := range w {
				r, g, bl, a := src.At(b.Min.X+x, b.Min.Y+y).RGBA()
				dst[x*4], dst[x*4+1], dst[x*4+2], dst[x*4+3] = uint8(r>>8), uint8(g>>8), uint8(bl>>8), uint8(a>>8)
			}
		}
	}
}

func premultiply(dst []uint8, r, g, b, a uint8) {
	switch a {
	case 255:
		dst[0], dst[1], dst[2] = r, g, b
	case 0:
		dst[0], dst[1], dst[2] = 0, 0, 0
	default:
		a16 := uint16(a)
		dst[0] = uint8((uint16(r)*a16 + 127) / 255)
		dst[1] = uint8((uint16(g)*a16 + 127) / 255)
		dst[2] = uint8((uint16(b)*a16 + 127) / 255)
	}
	dst[3] = a
}

// yCbCrConverter returns JPEG's full-range conversion, or libwebp's own
// fixed-point conversion for video range (src/dsp/yuv.h: VP8YUVToR etc.), so
// that a WebP comes out as browsers show it.
func yCbCrConverter(limitedRange bool) func(y, cb, cr uint8) (r, g, b uint8) {
	if !limitedRange {
		return color.YCbCrToRGB
	}
	return func(y, u, v uint8) (uint8, uint8, uint8) {
		yy := multHi(int32(y), 19077)
		return clip8(yy + multHi(int32(v), 26149) - 14234),
			clip8(yy - multHi(int32(u), 6419) - multHi(int32(v), 13320) + 8708),
			clip8(yy + multHi(int32(u), 33050) - 17685)
	}
}

func multHi(v, coeff int32) int32 { return (v * coeff) >> 8 }

// clip8 takes a value with 6 fractional bits to 0-255.
func clip8(v int32) uint8 {
	switch {
	case v < 0:
		return 0
	case v > 255<<6|63:
		return 255
	}
	return uint8(v >> 6)
}

// gifCanvas places a GIF's first frame on the image's logical screen, as
// browsers show it: a frame may cover only part of it, the rest transparent.
func gifCanvas(frame image.Image, width, height int) image.Image {
	canvas := image.Rect(0, 0, width, height)
	if frame.Bounds() == canvas {
		return frame
	}
	out := image.NewRGBA(canvas)
	draw.Draw(out, canvas, frame, image.Point{}, draw.Over)
	return out
}
