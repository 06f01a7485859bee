//go:build linux

package services

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gen2brain/webp"
	xwebp "golang.org/x/image/webp"
)

// Image benchmarks. `make bench` runs BenchmarkProcess12MP; run them all with
//
//	go test -run '^$' -bench 'Process12MP|EncodeVariants' -benchtime 3x ./services
//
// Besides wall time per upload they report CPU time (the stable figure on a
// shared machine) and the peak resident memory the process reached.

// BenchmarkProcess12MP: one 12-megapixel (4000×3000) camera-like JPEG upload,
// from its bytes to three encoded WebP variants.
func BenchmarkProcess12MP(b *testing.B) {
	data := encodeJPEG(b, photoLike(4000, 3000, 12))
	warmUpWebP()
	ctx := context.Background()
	var outBytes int
	measure := startResourceMeter(b)
	for b.Loop() {
		out, err := processImage(ctx, data)
		if err != nil {
			b.Fatal(err)
		}
		outBytes = 0
		for _, v := range out.Variants {
			outBytes += len(v.Bytes)
		}
	}
	measure()
	b.ReportMetric(float64(len(data))/1e6, "MB-in")
	b.ReportMetric(float64(outBytes)/1e3, "kB-out")
}

// BenchmarkEncodeVariants compares encoders on the three variants of a
// 12-megapixel photo (1600×1200, 800×600, 400×300): CPU time, total size,
// and the luma PSNR of the 800-wide variant as decoded (higher is closer to
// the original; compare sizes at similar PSNR).
func BenchmarkEncodeVariants(b *testing.B) {
	src := photoLike(4000, 3000, 12)
	sizes := variantSizes(4000, 3000)
	variants := []*image.RGBA{resize(toRGBA(src, false, boxFactor(src.Rect.Size(), sizes[0])), sizes[0])}
	for _, s := range sizes[1:] {
		variants = append(variants, resize(variants[len(variants)-1], s))
	}
	warmUpWebP()

	webpWith := func(opts webp.Options) func(*image.RGBA) []byte {
		return func(img *image.RGBA) []byte {
			var buf bytes.Buffer
			if err := webp.Encode(&buf, img, opts); err != nil {
				b.Fatal(err)
			}
			return buf.Bytes()
		}
	}
	decodeWebP := func(data []byte) (image.Image, error) {
		img, err := xwebp.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		return toRGBA(img, true, 1), nil
	}
	jpegWith := func(quality int) func(*image.RGBA) []byte {
		return func(img *image.RGBA) []byte {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
				b.Fatal(err)
			}
			return buf.Bytes()
		}
	}
	decodeJPEG := func(data []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(data)) }
	for _, c := range []struct {
		name   string
		encode func(*image.RGBA) []byte
		decode func([]byte) (image.Image, error)
	}{
		{fmt.Sprintf("webp-q%d-m%d(used)", webpQuality, webpMethod), webpWith(webp.Options{Quality: webpQuality, Method: webpMethod}), decodeWebP},
		{"webp-q80-m4(default-method)", webpWith(webp.Options{Quality: 80, Method: 4}), decodeWebP},
		{"webp-q75-m2", webpWith(webp.Options{Quality: 75, Method: 2}), decodeWebP},
		{"jpeg-q80", jpegWith(80), decodeJPEG},
		{"jpeg-q90", jpegWith(90), decodeJPEG},
	} {
		b.Run(c.name, func(b *testing.B) {
			decoded, err := c.decode(c.encode(variants[1]))
			if err != nil {
				b.Fatal(err)
			}
			psnr := lumaPSNR(variants[1], decoded)
			var total int
			measure := startResourceMeter(b)
			for b.Loop() {
				total = 0
				for _, v := range variants {
					total += len(c.encode(v))
				}
			}
			measure()
			b.ReportMetric(float64(total)/1e3, "kB-out")
			b.ReportMetric(psnr, "PSNR-dB")
		})
	}
}

// lumaPSNR compares the luma of two same-sized images.
func lumaPSNR(want *image.RGBA, got image.Image) float64 {
	var sum float64
	r := want.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := want.At(x, y).RGBA()
			br, bg, bb, _ := got.At(x, y).RGBA()
			d := (0.299*float64(ar) + 0.587*float64(ag) + 0.114*float64(ab) -
				0.299*float64(br) - 0.587*float64(bg) - 0.114*float64(bb)) / 257
			sum += d * d
		}
	}
	mse := sum / float64(r.Dx()*r.Dy())
	return 10 * math.Log10(255*255/mse)
}

// startResourceMeter records CPU time and resets the peak resident set size;
// the function it returns reports CPU time per operation and how far above
// the starting point the resident set peaked.
func startResourceMeter(b *testing.B) func() {
	b.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	// Writing 5 to clear_refs resets VmHWM (the peak RSS) to the current RSS.
	peakReset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	rss0 := procStatusKB(b, "VmRSS")
	cpu0 := cpuTime()
	b.ReportAllocs()
	return func() {
		cpu := cpuTime() - cpu0
		b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
		if peakReset {
			b.ReportMetric(float64(procStatusKB(b, "VmHWM")-rss0)/1024, "peak-RSS-MB")
		} else {
			b.Log("cannot reset the peak RSS (/proc/self/clear_refs): no peak-RSS-MB")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procStatusKB reads one "Name:   123 kB" line of /proc/self/status.
func procStatusKB(b *testing.B, name string) int64 {
	b.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, name+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb
		}
	}
	b.Fatalf("no %s in /proc/self/status", name)
	return 0
}
