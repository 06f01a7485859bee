package models

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// Product image limits from the shop's rules.
const (
	ProductImagesMax  = 8
	ImageAltMaxLength = 250
)

// ProductImage is one picture of a product; the first (Position 0) is its
// cover. Only the re-encoded variants are stored, never the upload.
type ProductImage struct {
	bun.BaseModel `bun:"table:product_images,alias:pi"`

	ID        int64 `bun:"id,pk,autoincrement"`
	ProductID int64 `bun:"product_id,notnull"`
	Position  int   `bun:"position,notnull"`
	Image
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// Image is a stored picture as pages show it: its alt text, its size as
// displayed, and its variants.
type Image struct {
	// Alt is "" until the seller describes the image (required to publish).
	Alt string `bun:"alt,notnull"`
	// Width and Height are the picture's, as displayed: they give its aspect
	// ratio for the page's width and height attributes.
	Width    int           `bun:"width,notnull"`
	Height   int           `bun:"height,notnull"`
	Variants ImageVariants `bun:"variants,notnull"`
}

// ImageVariant is one stored size of an image, named by its content
// (see services.OpenMedia).
type ImageVariant struct {
	Key           string
	Width, Height int
}

// ImageVariants are an image's sizes, largest first.
type ImageVariants []ImageVariant

// IsZero reports whether there is no image (a product without pictures).
func (im Image) IsZero() bool { return len(im.Variants) == 0 }

// AltOr returns the alt text, or fallback (the product's name) for an image
// the seller has not described yet.
func (im Image) AltOr(fallback string) string {
	if im.Alt == "" {
		return fallback
	}
	return im.Alt
}

// SrcSet is the img element's srcset: each variant's URL (url turns a key into
// one: /media/{key}, or the S3 server's) and width, smallest first.
func (im Image) SrcSet(url func(key string) string) string {
	var b strings.Builder
	for i := len(im.Variants) - 1; i >= 0; i-- {
		v := im.Variants[i]
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(url(v.Key))
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(v.Width))
		b.WriteByte('w')
	}
	return b.String()
}

// Variant returns the smallest variant at least width pixels wide, or the
// largest there is: the src for browsers without srcset, or a thumbnail.
func (im Image) Variant(width int) ImageVariant {
	for i := len(im.Variants) - 1; i >= 0; i-- {
		if im.Variants[i].Width >= width {
			return im.Variants[i]
		}
	}
	if len(im.Variants) == 0 {
		return ImageVariant{}
	}
	return im.Variants[0]
}

// Thumbnail returns the smallest variant.
func (im Image) Thumbnail() ImageVariant { return im.Variant(0) }

// The variants column is text, "WxH:key" per variant, space-separated, largest
// first ("1600x1200:9f…e1.webp 800x600:…"). Not JSON: product cards and the
// seller's dashboard read one per row, and encoding/json takes about 4 µs for
// three variants, as much as the rest of a dashboard row's work together.

// Value writes the variants column.
func (vs ImageVariants) Value() (driver.Value, error) {
	var b strings.Builder
	for i, v := range vs {
		if v.Key == "" || strings.ContainsAny(v.Key, " :") || v.Width < 1 || v.Height < 1 {
			return nil, fmt.Errorf("image variant %d: invalid %+v", i, v)
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%dx%d:%s", v.Width, v.Height, v.Key)
	}
	return b.String(), nil
}

// Scan reads the variants column; "" (a product's cover when it has no image)
// or NULL is none.
func (vs *ImageVariants) Scan(src any) error {
	var text string
	switch s := src.(type) {
	case nil:
		*vs = nil
		return nil
	case string:
		text = s
	case []byte:
		text = string(s)
	default:
		return fmt.Errorf("image variants: cannot scan %T", src)
	}
	out := make(ImageVariants, 0, strings.Count(text, " ")+1)
	for text != "" {
		entry, rest, _ := strings.Cut(text, " ")
		text = rest
		size, key, ok := strings.Cut(entry, ":")
		w, h, okSize := strings.Cut(size, "x")
		width, errW := strconv.Atoi(w)
		height, errH := strconv.Atoi(h)
		if !ok || !okSize || errW != nil || errH != nil || key == "" || width < 1 || height < 1 {
			return fmt.Errorf("image variants: bad entry %q", entry)
		}
		out = append(out, ImageVariant{Key: key, Width: width, Height: height})
	}
	if len(out) == 0 {
		out = nil
	}
	*vs = out
	return nil
}

// ValidateAlt checks an image's alt text and returns it trimmed, or EINVALID
// with the message under ImageAltField(imageID).
func ValidateAlt(imageID int64, alt string) (string, error) {
	alt = strings.TrimSpace(alt)
	var msg string
	switch problem := checkText(alt, false); {
	case alt == "" || !hasVisibleCharacter(alt):
		msg = "Describe the image for people who cannot see it."
	case problem != textOK:
		msg = problem.message("description")
	case utf8.RuneCountInString(alt) > ImageAltMaxLength:
		msg = "Use at most 250 characters."
	}
	if msg != "" {
		return "", &Error{Code: EINVALID, Message: msg, Fields: map[string]string{ImageAltField(imageID): msg}}
	}
	return alt, nil
}

// ImageAltField names the form field of an image's alt text, and the key of
// its message in an EINVALID error.
func ImageAltField(imageID int64) string { return "alt_" + strconv.FormatInt(imageID, 10) }
