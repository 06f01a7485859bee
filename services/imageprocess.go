package services

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"runtime"
	"time"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"github.com/storefront/storefront/models"
)

// imageSizes are the longest sides, in pixels, of the variants stored for each
// product image: small cards, the product page, and the product page on
// high-density screens. An image is never enlarged: a side longer than the
// original is replaced by the original's own size.
var imageSizes = [...]int{400, 800, 1600}

// ProcessedImage is an upload turned into the variants the shop stores and
// serves. The original file is not part of it.
type ProcessedImage struct {
	// Source is the uploaded file's format.
	Source ImageFormat
	// Width and Height are the original's, as displayed (after EXIF
	// orientation): the aspect ratio for the page's width/height attributes.
	Width, Height int
	// Variants, largest first; there is always at least one.
	Variants []ImageVariant
}

// ImageVariant is one re-encoded size of an image.
type ImageVariant struct {
	Width, Height int
	ContentType   string
	Bytes         []byte
	// Key is content-addressed: the hex SHA-256 of Bytes and the file
	// extension. Equal keys mean equal bytes, so a stored variant never changes
	// under its name and can be cached forever.
	Key string
}

// Images turns uploads into stored variants, at most one image per slot at a
// time: decoding and resizing a photo takes a core for about a second and
// 100 MB or more, so uploads beyond the slots wait rather than pile up.
type Images struct {
	slots chan struct{}
}

// NewImages returns an Images with the given number of processing slots;
// concurrency < 1 means one per core (GOMAXPROCS).
func NewImages(concurrency int) *Images {
	if concurrency < 1 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	return &Images{slots: make(chan struct{}, concurrency)}
}

// WarmUp prepares the WebP encoder (compiling its WebAssembly takes about 0.2 s
// of CPU, over a second of wall time on a busy machine) so that the first
// upload does not wait for it. Optional; main may call it in the background.
func (s *Images) WarmUp() { warmUpWebP() }

// Process checks, decodes, orients, resizes and re-encodes one uploaded image,
// waiting for a free slot first. A refused file is EINVALID with the seller's
// message; a context that ends while waiting is EUNAVAILABLE (the server is
// busy with other images), and one that ends while working returns ctx.Err().
func (s *Images) Process(ctx context.Context, data []byte) (ProcessedImage, error) {
	if err := s.acquire(ctx); err != nil {
		return ProcessedImage{}, err
	}
	defer func() { <-s.slots }()
	return processImage(ctx, data)
}

// acquire takes a slot, or gives up when ctx ends. A free slot is taken even
// if ctx has already ended, so that waiting is the only way to time out.
func (s *Images) acquire(ctx context.Context) error {
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
	}
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &models.Error{
			Code:       models.EUNAVAILABLE,
			Message:    "Other images are being processed. Please try again in a moment.",
			RetryAfter: 5 * time.Second,
			Err:        ctx.Err(),
		}
	}
}

func processImage(ctx context.Context, data []byte) (ProcessedImage, error) {
	info, err := InspectImage(data)
	if err != nil {
		return ProcessedImage{}, err
	}
	orientation := 1
	if info.Format == ImageJPEG {
		orientation = exifOrientation(data)
	}
	src, err := decodeImage(info.Format, data)
	if err != nil {
		return ProcessedImage{}, decodeError(err)
	}
	if info.Format == ImageGIF {
		src = gifCanvas(src, info.Width, info.Height)
	}
	if b := src.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height {
		return ProcessedImage{}, imageError(msgImageDamaged, fmt.Errorf("decoded %v, header said %dx%d", b, info.Width, info.Height))
	}
	if err := ctx.Err(); err != nil {
		return ProcessedImage{}, err
	}

	out := ProcessedImage{Source: info.Format, Width: info.Width, Height: info.Height}
	if swapsSides(orientation) {
		out.Width, out.Height = out.Height, out.Width
	}
	sizes := variantSizes(out.Width, out.Height)

	// The largest variant comes from the original; each smaller one from the
	// variant before it (a 2x step), which costs a fraction of going back to
	// the original and looks the same.
	largest := sizes[0]
	if swapsSides(orientation) {
		largest = image.Pt(largest.Y, largest.X)
	}
	// Past this line the decoded original is garbage (Go's liveness analysis
	// drops it), before the resize allocates.
	work := toRGBA(src, info.Format == ImageWebP, boxFactor(src.Bounds().Size(), largest))
	pixels := orient(resize(work, largest), orientation)

	for i, size := range sizes {
		if i > 0 {
			pixels = resize(pixels, size)
		}
		if err := ctx.Err(); err != nil {
			return ProcessedImage{}, err
		}
		variant, err := encodeVariant(pixels)
		if err != nil {
			return ProcessedImage{}, err
		}
		out.Variants = append(out.Variants, variant)
	}
	return out, nil
}

// variantSizes returns the size of each variant, largest first: the image
// scaled so that its longest side is each of imageSizes, except that sizes
// at or above the original's longest side collapse into the original size.
func variantSizes(width, height int) []image.Point {
	longest := max(width, height)
	var sizes []image.Point
	for i := len(imageSizes) - 1; i >= 0; i-- {
		side := min(imageSizes[i], longest)
		size := image.Pt(scaleSide(width, side, longest), scaleSide(height, side, longest))
		if len(sizes) == 0 || sizes[len(sizes)-1] != size {
			sizes = append(sizes, size)
		}
	}
	return sizes
}

// scaleSide scales n by num/den, rounded, and never below one pixel.
func scaleSide(n, num, den int) int {
	return max(1, (n*num+den/2)/den)
}

// maxScaleBuffer bounds the temporary buffer of draw.Kernel.Scale, which is
// 32 bytes per pixel of (target width × source height): 77 MB for the first
// step of a 12-megapixel photo (2000×1500 → 1600×1200).
const maxScaleBuffer = 32 << 20

// resize scales img to size with Catmull-Rom, or returns it when it already
// has that size. Kernel.Scale filters in two separable passes through that
// buffer; above maxScaleBuffer, Kernel.Transform computes the same pixels in
// one two-dimensional pass with no buffer, for about 1.5 times the CPU at the
// ratios used here (below 2, after toRGBA's box shrink).
func resize(img *image.RGBA, size image.Point) *image.RGBA {
	if img.Rect.Size() == size {
		return img
	}
	dst := image.NewRGBA(image.Rectangle{Max: size})
	if size.X*img.Rect.Dy()*32 <= maxScaleBuffer {
		draw.CatmullRom.Scale(dst, dst.Rect, img, img.Rect, draw.Src, nil)
		return dst
	}
	sx := float64(size.X) / float64(img.Rect.Dx())
	sy := float64(size.Y) / float64(img.Rect.Dy())
	draw.CatmullRom.Transform(dst, f64.Aff3{sx, 0, 0, 0, sy, 0}, img, img.Rect, draw.Src, nil)
	return dst
}

// encodeVariant encodes one variant and names it by its content.
func encodeVariant(img *image.RGBA) (ImageVariant, error) {
	data, err := encodeWebP(img)
	if err != nil {
		return ImageVariant{}, err
	}
	sum := sha256.Sum256(data)
	return ImageVariant{
		Width:       img.Rect.Dx(),
		Height:      img.Rect.Dy(),
		ContentType: "image/webp",
		Bytes:       data,
		Key:         hex.EncodeToString(sum[:]) + ".webp",
	}, nil
}
