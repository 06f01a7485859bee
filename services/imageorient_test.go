package services

import (
	"encoding/binary"
	"image"
	"testing"
)

func TestOrientAllEight(t *testing.T) {
	// A 3×2 image of six distinct pixels, a b c / d e f, and how each EXIF
	// orientation displays it (the EXIF 2.3 specification's figures).
	want := map[int][]string{
		1: {"abc", "def"},
		2: {"cba", "fed"},
		3: {"fed", "cba"},
		4: {"def", "abc"},
		5: {"ad", "be", "cf"},
		6: {"da", "eb", "fc"},
		7: {"fc", "eb", "da"},
		8: {"cf", "be", "ad"},
	}
	stored := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range 6 {
		stored.Pix[i*4] = 'a' + byte(i)
	}
	for o, rows := range want {
		got := orient(stored, o)
		if got.Rect.Dx() != len(rows[0]) || got.Rect.Dy() != len(rows) {
			t.Errorf("orientation %d: %v, want %dx%d", o, got.Rect, len(rows[0]), len(rows))
			continue
		}
		for y, row := range rows {
			for x := range len(row) {
				if p := got.Pix[got.PixOffset(x, y)]; p != row[x] {
					t.Errorf("orientation %d: pixel (%d,%d) = %c, want %c", o, x, y, p, row[x])
				}
			}
		}
		if swapsSides(o) != (len(rows) == 3) {
			t.Errorf("swapsSides(%d) = %v", o, swapsSides(o))
		}
	}
}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffWithOrientation is a minimal TIFF block: IFD0 holds Make, then Orientation.
func tiffWithOrientation(order byteOrder, typ uint16, count uint32, value uint16) []byte {
	b := []byte("II")
	if order.String() == binary.BigEndian.String() {
		b = []byte("MM")
	}
	b = order.AppendUint16(b, 42)
	b = order.AppendUint32(b, 8)
	b = order.AppendUint16(b, 2)
	// An entry before Orientation, which the reader must step over.
	b = order.AppendUint16(b, 0x010F) // Make
	b = order.AppendUint16(b, 2)
	b = order.AppendUint32(b, 4)
	b = append(b, "Cam\x00"...)
	b = order.AppendUint16(b, 0x0112)
	b = order.AppendUint16(b, typ)
	b = order.AppendUint32(b, count)
	b = order.AppendUint16(b, value)
	b = append(b, 0, 0)
	return order.AppendUint32(b, 0)
}

func TestExifOrientation(t *testing.T) {
	base := encodeJPEG(t, photoLike(16, 16, 1))
	le, be := binary.LittleEndian, binary.BigEndian
	for o := 1; o <= 8; o++ {
		for _, order := range []byteOrder{le, be} {
			data := withSegments(base, exifSegment(tiffWithOrientation(order, 3, 1, uint16(o))))
			if got := exifOrientation(data); got != o {
				t.Errorf("%v orientation %d read as %d", order, o, got)
			}
		}
	}
	if got := exifOrientation(withSegments(base, exifSegment(exifTIFF(8, "desc")))); got != 8 {
		t.Errorf("phone-style EXIF with GPS: orientation %d, want 8", got)
	}
	app0 := segment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	xmp := segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"))
	exif6 := exifSegment(tiffWithOrientation(le, 3, 1, 6))
	for name, c := range map[string]struct {
		data []byte
		want int
	}{
		"after APP0 and an XMP APP1":           {withSegments(base, app0, xmp, exif6), 6},
		"with fill bytes before the marker":    {withSegments(base, []byte{0xFF, 0xFF}, exif6), 6},
		"no EXIF":                              {base, 1},
		"orientation 0":                        {withSegments(base, exifSegment(tiffWithOrientation(le, 3, 1, 0))), 1},
		"orientation 9":                        {withSegments(base, exifSegment(tiffWithOrientation(le, 3, 1, 9))), 1},
		"orientation as LONG":                  {withSegments(base, exifSegment(tiffWithOrientation(le, 4, 1, 6))), 1},
		"orientation count 2":                  {withSegments(base, exifSegment(tiffWithOrientation(le, 3, 2, 6))), 1},
		"bad byte order":                       {withSegments(base, exifSegment(append([]byte("XX"), tiffWithOrientation(le, 3, 1, 6)[2:]...))), 1},
		"bad TIFF magic":                       {withSegments(base, exifSegment(append([]byte("II\x2b\x00"), tiffWithOrientation(le, 3, 1, 6)[4:]...))), 1},
		"IFD offset past the end":              {withSegments(base, exifSegment([]byte("II\x2a\x00\xff\xff\xff\xff"))), 1},
		"entry count past the end":             {withSegments(base, exifSegment([]byte("II\x2a\x00\x08\x00\x00\x00\xff\xff"))), 1},
		"EXIF cut inside an entry":             {withSegments(base, exifSegment(tiffWithOrientation(le, 3, 1, 6)[:30])), 1},
		"segment length past the end":          {[]byte("\xff\xd8\xff\xe1\xff\xffExif\x00\x00II"), 1},
		"segment length below two":             {[]byte("\xff\xd8\xff\xe1\x00\x01Exif\x00\x00"), 1},
		"EXIF after the image data is ignored": {append(append([]byte{}, base[:len(base)-2]...), append(exif6, 0xFF, 0xD9)...), 1},
		"not a JPEG":                           {[]byte("\x89PNG\r\n\x1a\n"), 1},
		"empty":                                {nil, 1},
	} {
		if got := exifOrientation(c.data); got != c.want {
			t.Errorf("%s: orientation %d, want %d", name, got, c.want)
		}
	}
}
