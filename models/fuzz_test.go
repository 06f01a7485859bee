package models_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/storefront/storefront/models"
)

// The form parsers face arbitrary user input. The fuzz targets check properties
// that must hold for every input, on top of the committed seed corpus in
// testdata/fuzz/ (which `go test` runs as ordinary cases; scripts/fuzz.sh explores).

// FuzzParsePrice: either a message and no amount, or an amount in range that
// formats and parses back to itself.
func FuzzParsePrice(f *testing.F) {
	for _, s := range []string{"19.99", "$1,299", "1000000.00", "0.01", "", "-1", "1e3", "1,2,3", "١٢٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cents, msg := models.ParsePrice(s)
		if msg != "" {
			if cents != 0 {
				t.Fatalf("ParsePrice(%q) = %d with message %q", s, cents, msg)
			}
			return
		}
		if cents <= 0 || cents > models.PriceMaxCents {
			t.Fatalf("ParsePrice(%q) = %d cents: out of range", s, cents)
		}
		formatted := models.FormatPrice(cents)
		if again, msg := models.ParsePrice(formatted); again != cents || msg != "" {
			t.Fatalf("ParsePrice(%q) = %d; FormatPrice = %q parses to %d %q", s, cents, formatted, again, msg)
		}
	})
}

// FuzzEmail: normalising is idempotent, and an accepted address is a bare,
// printable, bounded address with a dotted domain.
func FuzzEmail(f *testing.F) {
	for _, s := range []string{"a@example.com", " A@Example.COM ", "a@b", "a b@example.com", "<a@example.com>",
		"Name <a@example.com>", "a@example.com\r\nBcc: x@y.z", "\"a\"@example.com", "a@@example.com", "ü@example.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := models.NormalizeEmail(s)
		if models.NormalizeEmail(n) != n {
			t.Fatalf("NormalizeEmail not idempotent on %q", s)
		}
		if models.ValidateEmail(n) != "" {
			return
		}
		if !utf8.ValidString(n) || len(n) > 254 {
			t.Fatalf("ValidateEmail accepted %q (invalid UTF-8 or too long)", n)
		}
		if strings.ContainsFunc(n, func(r rune) bool { return r <= 0x20 || r == 0x7f }) || strings.ContainsAny(n, "<>,;") {
			t.Fatalf("ValidateEmail accepted %q with spaces, controls or list syntax", n)
		}
		at := strings.LastIndexByte(n, '@')
		if at < 1 || !strings.Contains(n[at+1:], ".") {
			t.Fatalf("ValidateEmail accepted %q without local part or dotted domain", n)
		}
	})
}

// FuzzSafeLocalPath: whatever is accepted stays on the shop's origin however a
// browser reads it (see assertStaysHome).
func FuzzSafeLocalPath(f *testing.F) {
	for _, s := range redirectAttacks {
		f.Add(s)
	}
	for s := range redirectKeep {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if out, ok := models.SafeLocalPath(s); ok {
			assertStaysHome(t, s, out)
		}
	})
}

// FuzzProductInput: an accepted product has a trimmed name of 1 to 120
// characters with at least one that shows, text with no control characters
// (but newlines and tabs in the description) and no bidi embeddings, overrides or
// isolates; it validates again to itself. A refusal names only the form's fields.
func FuzzProductInput(f *testing.F) {
	for _, s := range append(invisibleNames, visibleNames...) {
		f.Add(s, "", "1")
	}
	f.Add("Mug", "Line 1\r\nLine 2\ttab", "12.50")
	f.Add("a\u202eb", "x", "1")
	f.Add("Mug", "\u2066isolate\u2069", "1")
	f.Add("\x00", "\xff", "0")
	f.Fuzz(func(t *testing.T, name, description, price string) {
		p, err := models.ProductInput{Name: name, Description: description, Price: price}.Validate()
		if err != nil {
			fields := models.FieldErrors(err)
			if models.ErrorCode(err) != models.EINVALID || len(fields) == 0 {
				t.Fatalf("refusal of %+q / %+q / %+q: %v, want EINVALID with field messages", name, description, price, err)
			}
			for f := range fields {
				if f != "name" && f != "description" && f != "price" {
					t.Fatalf("message for unknown field %q", f)
				}
			}
			return
		}
		if p.Name != strings.TrimSpace(p.Name) || utf8.RuneCountInString(p.Name) > models.ProductNameMaxLength {
			t.Fatalf("accepted name %+q: untrimmed or too long", p.Name)
		}
		shown := strings.Map(func(r rune) rune {
			if !unicode.IsGraphic(r) || unicode.IsSpace(r) || unicode.IsMark(r) ||
				unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) || r == '\u2800' {
				return -1
			}
			return r
		}, p.Name)
		if shown == "" {
			t.Fatalf("accepted name %+q shows nothing", p.Name)
		}
		for what, s := range map[string]string{"name": p.Name, "description": p.Description} {
			if !utf8.ValidString(s) {
				t.Fatalf("accepted %s %+q is not UTF-8", what, s)
			}
			for _, r := range s {
				if (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
					t.Fatalf("accepted %s %+q with bidi control %U", what, s, r)
				}
				if unicode.IsControl(r) && !(what == "description" && (r == '\n' || r == '\t')) {
					t.Fatalf("accepted %s %+q with control %U", what, s, r)
				}
			}
		}
		again, err := models.ProductInput{Name: p.Name, Description: p.Description, Price: price}.Validate()
		if err != nil || !reflect.DeepEqual(again, p) {
			t.Fatalf("accepted product %+v validates again to %+v, %v", p, again, err)
		}
	})
}

// FuzzSearchInput: any query string is either refused (EINVALID naming only the
// search form's fields, or ENOTFOUND for a page that is not one) or a query that
// is bounded, printable and stable: its parse has only words of letters and
// digits (nothing a database could read as an operator), its cache key does
// not depend on case or spacing, and highlighting any name only splits it.
func FuzzSearchInput(f *testing.F) {
	for _, s := range []string{"mug", `"linen tea towel" -enamel`, "mug or teapot", "' OR 1=1 --", `\`, "a & b | !c :*",
		"mug\x00", strings.Repeat("x", 201), "hedphones", "-", `"`, "or", "-\"\"", "t-shirt 350ml café"} {
		f.Add(s, "", "", "", "", "")
	}
	f.Add("mug", "price_asc", "5", "50", "clay-works", "2")
	f.Add("", "cheapest", "abc", "1.999", "Clay Works", "0")
	f.Add("x", "relevance", "20", "10", "-", "02")
	f.Fuzz(func(t *testing.T, text, sort, minPrice, maxPrice, store, page string) {
		in := models.SearchInput{Q: text, Sort: sort, Min: minPrice, Max: maxPrice, Store: store, Page: page}
		q, err := in.Parse()
		if err != nil {
			switch models.ErrorCode(err) {
			case models.ENOTFOUND:
			case models.EINVALID:
				fields := models.FieldErrors(err)
				if len(fields) == 0 {
					t.Fatalf("%+v: EINVALID without field messages", in)
				}
				for f := range fields {
					if f != "q" && f != "sort" && f != "min" && f != "max" && f != "store" {
						t.Fatalf("%+v: message for unknown field %q", in, f)
					}
				}
			default:
				t.Fatalf("%+v: %v, want EINVALID or ENOTFOUND", in, err)
			}
			return
		}
		if !utf8.ValidString(q.Text) || utf8.RuneCountInString(q.Text) > models.SearchMaxLength || q.Text != strings.TrimSpace(q.Text) ||
			strings.ContainsFunc(q.Text, func(r rune) bool {
				return unicode.IsControl(r) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
			}) {
			t.Fatalf("%+v: accepted text %+q", in, q.Text)
		}
		switch q.Sort {
		case models.SortNewest, models.SortPriceAsc, models.SortPriceDesc:
		case models.SortRelevance:
			if q.Text == "" {
				t.Fatalf("%+v: relevance without text", in)
			}
		default:
			t.Fatalf("%+v: sort %q", in, q.Sort)
		}
		if q.MinCents < 0 || q.MaxCents < 0 || (q.MinCents > 0 && q.MaxCents > 0 && q.MinCents > q.MaxCents) || q.Page < 1 {
			t.Fatalf("%+v: accepted %+v", in, q)
		}
		words := 0
		for _, phrases := range append(q.Terms.Any, q.Terms.Exclude) {
			for _, phrase := range phrases {
				for _, w := range phrase {
					words++
					if w == "" || strings.ContainsFunc(w, func(r rune) bool {
						return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
					}) {
						t.Fatalf("%+v: word %+q in %+v", in, w, q.Terms)
					}
				}
			}
		}
		if words > 32 {
			t.Fatalf("%+v: %d words", in, words)
		}
		again, err := models.SearchInput{Q: strings.ToUpper(q.Text) + "  ", Sort: string(q.Sort), Min: minPrice, Max: maxPrice,
			Store: store, Page: page}.Parse()
		if err == nil && isASCII(q.Text) && again.CacheKey() != q.CacheKey() {
			t.Fatalf("%+v: cache key %q, but %q for the same query in capitals", in, q.CacheKey(), again.CacheKey())
		}
		assertSegmentsJoinTo(t, q.Terms.Highlight(text), text)
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
