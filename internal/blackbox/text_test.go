package blackbox

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A product name made only of invisible characters would show as a blank card,
// and bidi embedding/override/isolate characters would reorder the text around
// them: the form refuses both (422, the form again with the typed values), and
// nothing is stored. Visible names with right-to-left text are fine.
func TestInvisibleAndBidiTextRefused(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a := startApp(t, b, nil)
	db := openSQL(t, b.DatabaseURL)
	seller, _ := newUser(t, a)
	seller.get("/products/new")

	refused := []struct {
		what, name, description, field, message string
	}{
		{"zero-width name", "\u200b\u200d\u2060", "A mug", "name", "at least one visible"},
		{"Hangul-filler name", "\u3164\u3164", "A mug", "name", "at least one visible"},
		{"blank Braille name", "\u2800", "A mug", "name", "at least one visible"},
		{"right-to-left override in the name", "Mug \u202egpj.exe", "A mug", "name", "text-direction"},
		{"isolate in the description", "Mug", "Fine \u2067mug\u2069", "description", "text-direction"},
	}
	for _, tc := range refused {
		r := seller.postWithToken("/products", url.Values{"name": {tc.name}, "description": {tc.description}, "price": {"7.50"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", tc.what, r.Status)
			continue
		}
		if !strings.Contains(r.Body, tc.message) {
			t.Errorf("%s: the page does not say why (%q):\n%.2000s", tc.what, tc.message, r.Body)
		}
		if typed := html.EscapeString(tc.description); !strings.Contains(r.Body, typed) {
			t.Errorf("%s: the description typed is not kept", tc.what)
		}
	}
	if n := countRows(t, db, `SELECT count(*) FROM products`); n != 0 {
		t.Errorf("%d products stored from refused forms", n)
	}

	r := seller.postWithToken("/products", url.Values{"name": {"קפה \u200fשחור"}, "description": {"Dark roast"}, "price": {"7.50"}})
	if r.Status != http.StatusSeeOther {
		t.Errorf("right-to-left name: %d, want 303\n%.1000s", r.Status, r.Body)
	}

	// The sign-up form refuses a bidi control in the email address as well.
	guest := newClient(t, a)
	guest.get("/signup")
	r = guest.postWithToken("/signup", url.Values{"email": {"moc.elpmaxe\u202e@example.com"}, "password": {testPassword}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("sign-up with U+202E in the email: %d, want 422", r.Status)
	}
}
