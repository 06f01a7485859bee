package models_test

import (
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

func TestParsePrice(t *testing.T) {
	ok := map[string]int64{
		"19.99": 1999, "19.9": 1990, "19": 1900, "0.01": 1, " 7.50 ": 750, "$12": 1200,
		"1,299.00": 129900, "1000000.00": 100_000_000, "1,000,000": 100_000_000, "000012.30": 1230,
	}
	for in, want := range ok {
		got, msg := models.ParsePrice(in)
		if msg != "" || got != want {
			t.Errorf("ParsePrice(%q) = %d, %q; want %d", in, got, msg, want)
		}
	}
	bad := []string{"", "  ", "0", "0.00", "-1", "1.999", "1.", ".5", "abc", "1e3", "12,34", "1,2345",
		",123", "1000000.01", "99999999999", "1 000", "١٢", "0x10", "NaN", "Inf", "+5", "5.5.5", "$", "1\x00"}
	for _, in := range bad {
		if got, msg := models.ParsePrice(in); msg == "" {
			t.Errorf("ParsePrice(%q) = %d with no error; want a message", in, got)
		}
	}
}

func TestFormatPrice(t *testing.T) {
	for cents, want := range map[int64]string{1: "0.01", 1999: "19.99", 129900: "1,299.00", 100_000_000: "1,000,000.00"} {
		if got := models.FormatPrice(cents); got != want {
			t.Errorf("FormatPrice(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestProductInputValidate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		p, err := models.ProductInput{Name: "  Mug  ", Description: "Line 1\r\nLine 2", Price: "12.50"}.Validate()
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "Mug" || p.Description != "Line 1\nLine 2" || p.PriceCents != 1250 {
			t.Fatalf("got %+v", p)
		}
	})
	t.Run("Limits", func(t *testing.T) {
		name120 := strings.Repeat("é", 120)
		if _, err := (models.ProductInput{Name: name120, Description: strings.Repeat("ü", 5000), Price: "1"}).Validate(); err != nil {
			t.Fatalf("120-character name and 5,000-character description must pass (characters, not bytes): %v", err)
		}
	})
	t.Run("ErrFields", func(t *testing.T) {
		_, err := models.ProductInput{Name: strings.Repeat("x", 121), Description: strings.Repeat("y", 5001), Price: "0"}.Validate()
		if models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("code = %v, want EINVALID", models.ErrorCode(err))
		}
		fields := models.FieldErrors(err)
		for _, f := range []string{"name", "description", "price"} {
			if fields[f] == "" {
				t.Errorf("no message for %s in %v", f, fields)
			}
		}
	})
	t.Run("ErrEmptyAndControl", func(t *testing.T) {
		_, err := models.ProductInput{Name: "  ", Price: ""}.Validate()
		if f := models.FieldErrors(err); f["name"] == "" || f["price"] == "" {
			t.Fatalf("want name and price messages, got %v", f)
		}
		_, err = models.ProductInput{Name: "a\x00b", Description: "nul\x00", Price: "1"}.Validate()
		if f := models.FieldErrors(err); f["name"] == "" || f["description"] == "" {
			t.Fatalf("NUL bytes must be refused, got %v", f)
		}
	})
}

func TestParsePageNumber(t *testing.T) {
	for in, want := range map[string]int{"1": 1, "2": 2, "100000": 100_000} {
		if got, ok := models.ParsePageNumber(in); !ok || got != want {
			t.Errorf("ParsePageNumber(%q) = %d, %v, want %d", in, got, ok, want)
		}
	}
	// Not a page: each page has one address, and a number no page can have is none.
	for _, in := range []string{"", "0", "-3", "x", "01", "+2", " 2", "2 ", "2.0", "1e3", "0x2", "100001", "99999999999", "99999999999999999999"} {
		if got, ok := models.ParsePageNumber(in); ok {
			t.Errorf("ParsePageNumber(%q) = %d, want not a page", in, got)
		}
	}
}

func TestParseProductID(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "42": 42, "9223372036854775807": 9223372036854775807} {
		if got, ok := models.ParseProductID(in); !ok || got != want {
			t.Errorf("ParseProductID(%q) = %d, %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "01", "+1", "1/", "1.5", "abc", "%31", "9223372036854775808"} {
		if got, ok := models.ParseProductID(in); ok {
			t.Errorf("ParseProductID(%q) = %d, want not an id", in, got)
		}
	}
}

func TestProductInputStatusAndStore(t *testing.T) {
	for _, status := range []models.ProductStatus{"", models.ProductPublished, models.ProductDraft} {
		p, err := models.ProductInput{Name: "Mug", Price: "1", Status: status}.Validate()
		if err != nil || p.Status != status {
			t.Errorf("status %q: %+v, %v", status, p.Status, err)
		}
	}
	_, err := models.ProductInput{Name: "Mug", Price: "1", Status: "deleted"}.Validate()
	if models.FieldErrors(err)["status"] == "" {
		t.Fatalf("an unknown status: %v", err)
	}
	_, err = models.ProductInput{Name: "", Price: "1", Store: &models.StoreInput{Name: "", Slug: "x", Bio: "\x00"}}.Validate()
	f := models.FieldErrors(err)
	for _, field := range []string{"name", "store_name", "store_slug", "store_bio"} {
		if f[field] == "" {
			t.Errorf("no message for %s in %v", field, f)
		}
	}
	if _, err := (models.ProductInput{Name: "Mug", Price: "1", Store: &models.StoreInput{Name: "Pots", Slug: "pots"}}).Validate(); err != nil {
		t.Fatal(err)
	}
}
