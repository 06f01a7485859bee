package services

import (
	"encoding/binary"
	"image"
)

// Cameras store a photo as the sensor saw it and record in the EXIF
// Orientation tag how to turn it for display; browsers follow the tag. The
// re-encoded variants carry no EXIF, so the turn is applied to the pixels.

// exifOrientation returns the EXIF Orientation (1-8) of a JPEG file, or 1
// (as stored) when there is none or it cannot be read. It reads only the
// first APP1 "Exif" segment's first IFD, every offset bounds-checked: the
// input is hostile (FuzzExifOrientation).
func exifOrientation(jpeg []byte) int {
	tiff, ok := jpegExif(jpeg)
	if !ok {
		return 1
	}
	return tiffOrientation(tiff)
}

// jpegExif finds the TIFF block of the first APP1 Exif segment among the
// segments before the image data.
func jpegExif(data []byte) ([]byte, bool) {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, false
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return nil, false
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD8: // TEM, RSTn, SOI: no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan, end of image: no EXIF after these
			return nil, false
		}
		length := int(binary.BigEndian.Uint16(data[i+2:]))
		if length < 2 || i+2+length > len(data) {
			return nil, false
		}
		segment := data[i+4 : i+2+length]
		if marker == 0xE1 && len(segment) >= 6 && string(segment[:6]) == "Exif\x00\x00" {
			return segment[6:], true
		}
		i += 2 + length
	}
	return nil, false
}

// tiffOrientation reads tag 0x0112 (Orientation, one SHORT) from IFD0.
func tiffOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 1
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 1
	}
	if order.Uint16(tiff[2:]) != 42 {
		return 1
	}
	ifd := uint64(order.Uint32(tiff[4:]))
	if ifd+2 > uint64(len(tiff)) {
		return 1
	}
	count := uint64(order.Uint16(tiff[ifd:]))
	for n := range count {
		entry := ifd + 2 + n*12
		if entry+12 > uint64(len(tiff)) {
			return 1
		}
		e := tiff[entry : entry+12]
		const tagOrientation, typeShort = 0x0112, 3
		if order.Uint16(e[0:]) != tagOrientation {
			continue
		}
		if order.Uint16(e[2:]) != typeShort || order.Uint32(e[4:]) != 1 {
			return 1
		}
		// A SHORT value sits in the first two bytes of the value field.
		if v := int(order.Uint16(e[8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// swapsSides reports whether an orientation turns the image by a quarter.
func swapsSides(orientation int) bool { return orientation >= 5 && orientation <= 8 }

// orient returns img turned and flipped as EXIF orientation o asks:
//
//	1 as stored          5 transposed (flipped about the top-left diagonal)
//	2 flipped left-right 6 turned 90° clockwise
//	3 turned 180°        7 transversed (flipped about the top-right diagonal)
//	4 flipped top-bottom 8 turned 90° counter-clockwise
//
// It is applied to a variant, after resizing, where it is cheap.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return img
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	dw, dh := w, h
	if swapsSides(o) {
		dw, dh = h, w
	}
	// source maps a pixel of the result to the pixel of img it shows.
	source := func(dx, dy int) (int, int) {
		switch o {
		case 2:
			return w - 1 - dx, dy
		case 3:
			return w - 1 - dx, h - 1 - dy
		case 4:
			return dx, h - 1 - dy
		case 5:
			return dy, dx
		case 6:
			return dy, h - 1 - dx
		case 7:
			return w - 1 - dy, h - 1 - dx
		default: // 8
			return w - 1 - dy, dx
		}
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := range dh {
		for dx := range dw {
			sx, sy := source(dx, dy)
			copy(out.Pix[out.PixOffset(dx, dy):][:4], img.Pix[img.PixOffset(img.Rect.Min.X+sx, img.Rect.Min.Y+sy):][:4])
		}
	}
	return out
}
