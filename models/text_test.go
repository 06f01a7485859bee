package models_test

import (
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

// invisibleNames show as a blank product card: nothing in them has a glyph.
var invisibleNames = []string{
	"\u200b",                   // zero-width space
	"\u200b\u200c\u200d\u2060", // zero-width space, non-joiner, joiner, word joiner
	"\u200e\u200f\u061c",       // left-to-right, right-to-left and Arabic letter marks
	"\ufeff\u00ad",             // byte order mark, soft hyphen
	"\u3164\u115f\u1160\uffa0", // Hangul fillers (letters, but default-ignorable)
	"\u2800\u2800",             // blank Braille pattern
	"\u0301\u0308",             // combining marks with nothing to combine with
	"\ufe0f\U000E0041",         // a variation selector and a tag character
	"\u3000\u00a0 \u2003",      // ideographic, no-break and em spaces (trimmed to nothing)
	" \u200b \u200d ",
}

// visibleNames have at least one character that shows, around any invisible ones.
var visibleNames = []string{"Mug", "a\u200bb", "👩\u200d💻", "ﾠx", "٣", "¿", "€", "\u0915\u094d\u200d\u0937", "مرحبا", "שלום\u200f"}

func TestProductNameNeedsAVisibleCharacter(t *testing.T) {
	for _, name := range invisibleNames {
		_, err := models.ProductInput{Name: name, Price: "1"}.Validate()
		if msg := models.FieldErrors(err)["name"]; msg == "" {
			t.Errorf("name %+q accepted: it shows as a blank card", name)
		} else if strings.Contains(msg, "not allowed") {
			t.Errorf("name %+q: message %q, want one asking for a visible character", name, msg)
		}
	}
	for _, name := range visibleNames {
		if _, err := (models.ProductInput{Name: name, Price: "1"}).Validate(); err != nil {
			t.Errorf("name %+q refused: %v", name, models.FieldErrors(err))
		}
	}
}

// bidiControls reorder the text after them (U+202A–U+202E, U+2066–U+2069).
var bidiControls = []rune{'\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'}

func TestBidiControlsRefusedInEveryTextField(t *testing.T) {
	for _, r := range bidiControls {
		text := "invoice" + string(r) + "fdp.exe"
		_, err := models.ProductInput{Name: text, Description: "ok " + text, Price: "1"}.Validate()
		fields := models.FieldErrors(err)
		for _, f := range []string{"name", "description"} {
			if !strings.Contains(fields[f], "text-direction") {
				t.Errorf("%s with %U: message %q, want one about text-direction characters", f, r, fields[f])
			}
		}
		if msg := models.ValidateEmail("a" + string(r) + "b@example.com"); msg == "" {
			t.Errorf("email with %U accepted", r)
		}
		c := models.Credentials{Email: "a" + string(r) + "b@example.com", Password: "correct horse battery"}
		if models.FieldErrors(c.ValidateSignup())["email"] == "" {
			t.Errorf("sign-up with %U in the email accepted", r)
		}
	}
	// Right-to-left text itself, and the implicit marks, are fine.
	if _, err := (models.ProductInput{Name: "קפה \u200fשחור", Description: "مرحبا\u200e 2 kg\n\u061cسطر", Price: "1"}).Validate(); err != nil {
		t.Errorf("right-to-left text refused: %v", models.FieldErrors(err))
	}
}

func TestEmailRefusesInvisibleCharacters(t *testing.T) {
	for _, email := range []string{"a\u200bb@example.com", "ab@exam\u200dple.com", "\ufeffab@example.com", "ab@example.com\u00ad", "a\u3000b@example.com"} {
		if msg := models.ValidateEmail(email); msg == "" {
			t.Errorf("ValidateEmail(%+q) accepted: it looks like another address", email)
		}
	}
	for _, email := range []string{"ü@example.com", "josé@例え.jp"} {
		if msg := models.ValidateEmail(email); msg != "" {
			t.Errorf("ValidateEmail(%+q) = %q, want accepted", email, msg)
		}
	}
}
