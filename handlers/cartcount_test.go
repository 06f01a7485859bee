package handlers_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The nav's count of a signed-in user comes with the per-request account
// check: a change made in one browser shows in the other's nav at its next
// page, and an htmx add answers with the count after the add.
func TestCartCountAcrossBrowsers(t *testing.T) {
	s := newShop(t)
	_, mug := s.seller("Mug", 1250, -1)
	a, email := s.signedIn()
	b := s.secondSession(email)

	if got := navCount(t, b.get("/products")); got != "0" && got != "" {
		t.Fatalf("empty cart: nav count %q", got)
	}
	expectStatus(t, a.post("/cart/items", addForm(mug, "2")), http.StatusSeeOther)
	if got := navCount(t, b.get("/products")); got != "2" {
		t.Fatalf("other browser's nav after an add: %q, want 2", got)
	}
	expectStatus(t, a.post("/cart/items/"+strconv.FormatInt(mug, 10)+"/delete", nil), http.StatusSeeOther)
	if got := navCount(t, b.get("/account")); got != "0" && got != "" {
		t.Fatalf("other browser's nav after the line went: %q, want none", got)
	}

	form := addForm(mug, "3")
	form.Set("_csrf", b.csrf)
	resp := b.do(http.MethodPost, "/cart/items", form, http.Header{"HX-Request": {"true"}})
	expectStatus(t, resp, http.StatusOK)
	if got := resp.doc(t).Find(`#cart-count[hx-swap-oob="true"]`); got.Length() != 1 || firstField(got) != "3" {
		t.Fatalf("htmx add: out-of-band count %q, want 3", got.Text())
	}
}

func firstField(s *goquery.Selection) string {
	for _, f := range []rune(s.Text()) {
		if f >= '0' && f <= '9' {
			return string(f)
		}
	}
	return ""
}
