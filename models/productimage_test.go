package models_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

var testVariants = models.ImageVariants{
	{Key: "aa.webp", Width: 1600, Height: 1200},
	{Key: "bb.webp", Width: 800, Height: 600},
	{Key: "cc.webp", Width: 400, Height: 300},
}

func TestImageVariantsColumn(t *testing.T) {
	v, err := testVariants.Value()
	if err != nil || v != "1600x1200:aa.webp 800x600:bb.webp 400x300:cc.webp" {
		t.Fatalf("Value = %q, %v", v, err)
	}
	for _, src := range []any{v, []byte(v.(string))} {
		var got models.ImageVariants
		if err := got.Scan(src); err != nil || !slices.Equal(got, testVariants) {
			t.Fatalf("Scan(%T) = %+v, %v", src, got, err)
		}
	}
	for _, none := range []any{nil, ""} {
		got := models.ImageVariants{{Key: "stale"}}
		if err := got.Scan(none); err != nil || got != nil {
			t.Fatalf("Scan(%#v) = %+v, %v; want none", none, got, err)
		}
	}
	if v, err := models.ImageVariants(nil).Value(); err != nil || v != "" {
		t.Fatalf("no variants: %q, %v", v, err)
	}
	for _, bad := range []string{"800x600", "800x600:", "x600:k", "800:k", "0x600:k", "800x-1:k", "800x600:k 12", "axb:k"} {
		var got models.ImageVariants
		if err := got.Scan(bad); err == nil {
			t.Errorf("Scan(%q) = %+v, want an error", bad, got)
		}
	}
	for _, bad := range []models.ImageVariants{{{Key: "", Width: 1, Height: 1}}, {{Key: "a b", Width: 1, Height: 1}},
		{{Key: "a:b", Width: 1, Height: 1}}, {{Key: "k", Width: 0, Height: 1}}} {
		if _, err := bad.Value(); err == nil {
			t.Errorf("Value(%+v) accepted", bad)
		}
	}
}

func TestImageForPages(t *testing.T) {
	img := models.Image{Alt: "", Width: 1600, Height: 1200, Variants: testVariants}
	url := func(key string) string { return "/media/" + key }
	if got := img.SrcSet(url); got != "/media/cc.webp 400w, /media/bb.webp 800w, /media/aa.webp 1600w" {
		t.Fatalf("SrcSet = %q", got)
	}
	for width, want := range map[int]string{0: "cc.webp", 400: "cc.webp", 401: "bb.webp", 800: "bb.webp", 1200: "aa.webp", 5000: "aa.webp"} {
		if got := img.Variant(width).Key; got != want {
			t.Errorf("Variant(%d) = %s, want %s", width, got, want)
		}
	}
	if img.Thumbnail().Key != "cc.webp" || img.AltOr("Mug") != "Mug" || img.IsZero() {
		t.Fatalf("thumbnail %+v, alt %q", img.Thumbnail(), img.AltOr("Mug"))
	}
	img.Alt = "A blue mug"
	if img.AltOr("Mug") != "A blue mug" {
		t.Fatal("AltOr ignores the alt text")
	}
	var none models.Image
	if !none.IsZero() || none.SrcSet(url) != "" || none.Thumbnail() != (models.ImageVariant{}) {
		t.Fatal("an image without variants is none")
	}
}

func TestValidateAlt(t *testing.T) {
	if alt, err := models.ValidateAlt(7, "  A blue mug \u200d "); err != nil || alt != "A blue mug \u200d" {
		t.Fatalf("ValidateAlt = %q, %v", alt, err)
	}
	if _, err := models.ValidateAlt(7, strings.Repeat("é", 250)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", " ", "\u200b\u200c", "line\nbreak", "a\u202eb", strings.Repeat("é", 251)} {
		_, err := models.ValidateAlt(7, bad)
		if models.ErrorCode(err) != models.EINVALID || models.FieldErrors(err)["alt_7"] == "" {
			t.Errorf("ValidateAlt(%q) = %v, want a message under alt_7", bad, err)
		}
	}
}
