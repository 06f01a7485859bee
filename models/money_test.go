package models_test

import (
	"testing"

	"github.com/storefront/storefront/models"
)

func TestParseCurrency(t *testing.T) {
	for in, want := range map[string]string{"USD": "USD", "eur": "EUR", " gbp ": "GBP", "Chf": "CHF"} {
		if got, msg := models.ParseCurrency(in); got != want || msg != "" {
			t.Errorf("ParseCurrency(%q) = %q, %q", in, got, msg)
		}
	}
	for _, in := range []string{"", "US", "USDX", "U$D", "12A", "JPY", "krw", "KWD"} {
		if got, msg := models.ParseCurrency(in); msg == "" {
			t.Errorf("ParseCurrency(%q) = %q with no message", in, got)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	for _, tc := range []struct {
		cents    int64
		currency string
		want     string
	}{{129900, "USD", "$1,299.00"}, {1250, "EUR", "€12.50"}, {5, "GBP", "£0.05"}, {300, "CHF", "CHF 3.00"}, {-250, "USD", "-$2.50"}} {
		if got := models.FormatMoney(tc.cents, tc.currency); got != tc.want {
			t.Errorf("FormatMoney(%d, %s) = %q, want %q", tc.cents, tc.currency, got, tc.want)
		}
	}
}

func TestParseStock(t *testing.T) {
	if n, msg := models.ParseStock("  "); n != nil || msg != "" {
		t.Errorf("empty: %v, %q; want unlimited", n, msg)
	}
	for in, want := range map[string]int64{"0": 0, "7": 7, " 42 ": 42, "1,000": 1000, "1000000": 1_000_000} {
		if n, msg := models.ParseStock(in); n == nil || *n != want || msg != "" {
			t.Errorf("ParseStock(%q) = %v, %q; want %d", in, n, msg, want)
		}
	}
	for _, in := range []string{"-1", "1.5", "abc", "1000001", "99999999999999999999", "+3", "1e3", "12,34"} {
		if n, msg := models.ParseStock(in); msg == "" {
			t.Errorf("ParseStock(%q) = %v with no message", in, n)
		}
	}
	p, err := models.ProductInput{Name: "Mug", Price: "12", Stock: "5"}.Validate()
	if err != nil || p.Stock == nil || *p.Stock != 5 || p.SoldOut() {
		t.Errorf("product with stock 5: %+v, %v", p, err)
	}
	if _, err := (models.ProductInput{Name: "Mug", Price: "12", Stock: "lots"}).Validate(); models.FieldErrors(err)["stock"] == "" {
		t.Errorf("bad stock: %v", err)
	}
	zero := int64(0)
	if !(models.Product{Stock: &zero}).SoldOut() || (models.Product{}).SoldOut() {
		t.Error("SoldOut: stock 0 is sold out, no stock is unlimited")
	}
}
