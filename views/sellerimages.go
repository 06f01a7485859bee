package views

import (
	"strconv"

	"github.com/storefront/storefront/models"
)

// MediaURL turns a stored picture variant's key into the URL pages use
// (services.MediaURLs: /media/{key}, or the S3 server's address).
type MediaURL func(key string) string

// Picture is an img element's attributes for a stored image: the smallest
// variant at least Width wide as src, every variant in srcset, and the
// displayed size (width and height keep the layout from shifting).
type Picture struct {
	Src, SrcSet, Sizes, Alt string
	Width, Height           int
	Lazy                    bool
}

// pictureOf is how pages show im at about width CSS pixels (sizes says how
// wide it is on the page); alt falls back to the product's name.
func pictureOf(im models.Image, media MediaURL, width int, sizes, alt string, lazy bool) Picture {
	v := im.Variant(width)
	w, h := im.Width, im.Height
	if w > width && w > 0 {
		h = h * width / w
		w = width
	}
	return Picture{Src: media(v.Key), SrcSet: im.SrcSet(media), Sizes: sizes, Alt: im.AltOr(alt), Width: w, Height: h, Lazy: lazy}
}

func itoa(n int) string { return strconv.Itoa(n) }

func id64(n int64) string { return strconv.FormatInt(n, 10) }

// imageOrderMovingUp is the product's image ids with the one at i moved one
// place earlier: the "Move earlier" button's order.
func imageOrderMovingUp(images []models.ProductImage, i int) []string {
	ids := make([]string, len(images))
	for j, im := range images {
		ids[j] = id64(im.ID)
	}
	if i > 0 && i < len(ids) {
		ids[i-1], ids[i] = ids[i], ids[i-1]
	}
	return ids
}

// altValue is what an image's alt field holds: its alt text, or, for an image
// not described yet, the product's name as a default to accept or change.
func altValue(im models.ProductImage, productName string, typed map[int64]string) string {
	if alt, ok := typed[im.ID]; ok {
		return alt
	}
	if im.Alt != "" {
		return im.Alt
	}
	return productName
}

// imageField is the upload's form field, and the key of its error message.
const imageField = "image"

func defaultString(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
