package services

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"

	"github.com/storefront/storefront/models"
)

// Limits on an uploaded product image. The upload handler shares MaxImageBytes
// (it can stop reading there); the rest are judged from the file's header,
// before any pixel is decoded.
const (
	// MaxImageBytes is the largest accepted upload (10 MiB).
	MaxImageBytes = 10 << 20
	// MaxImagePixels bounds width*height: the decoded image is held in memory.
	MaxImagePixels = 40_000_000
	// MaxImageSide bounds each side; it is also the largest side WebP can store.
	MaxImageSide = 16383
	// maxDecodedBytes bounds the memory the decoder itself allocates: 40
	// megapixels at 4 bytes each. Only 16-bit-per-channel colour images
	// (8 bytes a pixel) reach it before MaxImagePixels, at 20 megapixels.
	maxDecodedBytes = MaxImagePixels * 4
)

// ImageFormat is an accepted image format, judged by the file's content.
type ImageFormat string

// The accepted formats. Their names match what the decoders call them.
const (
	ImageJPEG ImageFormat = "jpeg"
	ImagePNG  ImageFormat = "png"
	ImageGIF  ImageFormat = "gif"
	ImageWebP ImageFormat = "webp"
)

// ImageFieldName is the multipart field uploads arrive in; refusals carry their
// message under it so that the form can show it beside the file input.
const ImageFieldName = "image"

// The messages a seller may see. The underlying decoder error, if any, is kept
// in models.Error.Err for the log.
const (
	msgImageEmpty       = "That file is empty."
	msgImageTooBig      = "That image file is too big (max 10 MB)."
	msgImageNotImage    = "That file is not a JPEG, PNG, WebP or GIF image."
	msgImageDamaged     = "That image file is damaged or incomplete."
	msgImageUnsupported = "That image uses an encoding we cannot read. Please save it again as a standard JPEG, PNG, WebP or GIF."
	msgImageAnimated    = "Animated WebP images are not supported. Please upload a still image."
	msgImageTooManyPx   = "That image is too large (max 40 megapixels)."
	msgImageTooMany16   = "That image is too large (max 20 megapixels for 16-bit colour)."
	msgImageTooLongSide = "That image is too wide or too tall (max 16,383 pixels on a side)."
)

// imageError is the EINVALID refusal of one upload; err (may be nil) is logged only.
func imageError(msg string, err error) error {
	return &models.Error{Code: models.EINVALID, Message: msg, Fields: map[string]string{ImageFieldName: msg}, Err: err}
}

// ImageInfo is what InspectImage learns from a file's header. Width and Height
// are as stored, before any EXIF orientation is applied.
type ImageInfo struct {
	Format        ImageFormat
	Width, Height int
}

// ReadImageUpload reads an uploaded file, refusing it as soon as it proves
// larger than MaxImageBytes: at most MaxImageBytes+1 bytes are read.
func ReadImageUpload(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read image upload: %w", err)
	}
	if len(data) > MaxImageBytes {
		return nil, imageError(msgImageTooBig, nil)
	}
	return data, nil
}

// InspectImage decides whether data is an image this shop accepts, from its
// content alone (a file name or Content-Type proves nothing): the size, the
// format's magic number, and the dimensions in the header, all checked before
// decoding a single pixel, so that a header claiming 50,000×50,000 costs nothing.
// It does not prove that the rest of the file is intact: ProcessImage decodes
// it all and refuses a damaged or truncated file then. Every refusal is an
// EINVALID models.Error with a message for the seller.
func InspectImage(data []byte) (ImageInfo, error) {
	if len(data) == 0 {
		return ImageInfo{}, imageError(msgImageEmpty, nil)
	}
	if len(data) > MaxImageBytes {
		return ImageInfo{}, imageError(msgImageTooBig, nil)
	}
	format, ok := sniffImage(data)
	if !ok {
		return ImageInfo{}, imageError(msgImageNotImage, nil)
	}
	if format == ImageWebP && webpAnimated(data) {
		return ImageInfo{}, imageError(msgImageAnimated, nil)
	}
	cfg, err := decodeImageConfig(format, data)
	if err != nil {
		return ImageInfo{}, decodeError(err)
	}
	info := ImageInfo{Format: format, Width: cfg.Width, Height: cfg.Height}
	return info, checkImageSize(info.Width, info.Height, bytesPerPixel(cfg.ColorModel))
}

// checkImageSize applies the dimension limits to a header's claim (and again to
// the decoded image, which must agree with it).
func checkImageSize(width, height, pixelBytes int) error {
	pixels := int64(width) * int64(height) // PNG allows 2^31 a side: no int overflow on 32-bit builds
	switch {
	case width < 1 || height < 1:
		return imageError(msgImageDamaged, fmt.Errorf("image is %dx%d", width, height))
	case pixels > MaxImagePixels:
		return imageError(msgImageTooManyPx, nil)
	case width > MaxImageSide || height > MaxImageSide:
		return imageError(msgImageTooLongSide, nil)
	case pixels*int64(pixelBytes) > maxDecodedBytes:
		return imageError(msgImageTooMany16, nil)
	}
	return nil
}

// decodeError turns a decoder's complaint into the seller's message.
func decodeError(err error) error {
	var jpegUnsupported jpeg.UnsupportedError
	var pngUnsupported png.UnsupportedError
	if errors.As(err, &jpegUnsupported) || errors.As(err, &pngUnsupported) {
		return imageError(msgImageUnsupported, err)
	}
	return imageError(msgImageDamaged, err)
}

// imageMagic is each format's signature at offset 0; '?' matches any byte. These
// are the same patterns the image package's own registry matches, kept here so
// that no other package's image.RegisterFormat (BMP, TIFF, ...) can widen what
// is accepted.
var imageMagic = [...]struct {
	format ImageFormat
	magic  string
}{
	{ImageJPEG, "\xff\xd8"},
	{ImagePNG, "\x89PNG\r\n\x1a\n"},
	{ImageGIF, "GIF87a"},
	{ImageGIF, "GIF89a"},
	{ImageWebP, "RIFF????WEBPVP8"},
}

// sniffImage names the format data starts with, if it is one of the four.
func sniffImage(data []byte) (ImageFormat, bool) {
	for _, m := range imageMagic {
		if matchMagic(m.magic, data) {
			return m.format, true
		}
	}
	return "", false
}

func matchMagic(magic string, data []byte) bool {
	if len(data) < len(magic) {
		return false
	}
	for i := range len(magic) {
		if magic[i] != '?' && magic[i] != data[i] {
			return false
		}
	}
	return true
}

// webpAnimated reports whether a WebP file is an extended (VP8X) file with the
// animation flag set: the decoder cannot read those, and only the frames
// would say why.
func webpAnimated(data []byte) bool {
	const flagsOffset = 20 // "RIFF" size "WEBP" "VP8X" chunk-size, then the flags byte
	const animationFlag = 0x02
	return len(data) > flagsOffset && string(data[12:16]) == "VP8X" && data[flagsOffset]&animationFlag != 0
}

func decodeImageConfig(format ImageFormat, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch format {
	case ImageJPEG:
		return jpeg.DecodeConfig(r)
	case ImagePNG:
		return png.DecodeConfig(r)
	case ImageGIF:
		return gif.DecodeConfig(r)
	default:
		return webp.DecodeConfig(r)
	}
}

// decodeImage decodes the whole image (a GIF's first frame). It never panics on
// hostile input: the standard decoders return errors, and a panic would be a
// bug in them that must not take the server down.
func decodeImage(format ImageFormat, data []byte) (img image.Image, err error) {
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("%s decoder panicked: %v", format, p)
		}
	}()
	r := bytes.NewReader(data)
	switch format {
	case ImageJPEG:
		return jpeg.Decode(r)
	case ImagePNG:
		return png.Decode(r)
	case ImageGIF:
		return gif.Decode(r)
	default:
		return webp.Decode(r)
	}
}

// bytesPerPixel is what the decoder allocates per pixel for a colour model.
func bytesPerPixel(m color.Model) int {
	switch m {
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.CMYKModel, color.RGBAModel, color.NRGBAModel:
		return 4
	case color.Gray16Model:
		return 2
	default:
		// Gray, paletted and YCbCr (at most 3 bytes a pixel, for 4:4:4).
		return 3
	}
}
