package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// cartPage reads c's cart page and checks that every form on it carries c's
// own session token (the cached content's token is put back per request).
func cartPage(t *testing.T, c *client) *goquery.Document {
	t.Helper()
	resp := c.get("/cart")
	expectStatus(t, resp, http.StatusOK)
	doc := resp.doc(t)
	fields := doc.Find(`#cart input[name="_csrf"]`)
	fields.Each(func(_ int, f *goquery.Selection) {
		if v, _ := f.Attr("value"); v == "" || v != c.csrf {
			t.Fatalf("a form of the cart carries %q, not the session's token %q", v, c.csrf)
		}
	})
	return doc
}

// lineText is the text of the cart line of product id.
func lineText(doc *goquery.Document, id int64) string {
	return strings.Join(strings.Fields(doc.Find(`[data-testid="cart-line"][data-product-id="`+strconv.FormatInt(id, 10)+`"]`).Text()), " ")
}

// The cart page's content is cached per cart and catalogue version: served
// again while neither moves, every cart change and every product change the
// page shows is there at the next request, each visitor gets their own cart
// with their own token, and a guest's cart works the same way.
func TestCartPageCache(t *testing.T) {
	s := newShop(t)
	ctx := context.Background()
	mugSeller, mug := s.seller("Mug", 1250, -1)
	potSeller, pot := s.seller("Teapot", 3000, 20)
	_, lamp := s.seller("Lamp", 4000, 20)
	mugID, potID := strconv.FormatInt(mug, 10), strconv.FormatInt(pot, 10)
	a, emailA := s.signedIn()
	b, _ := s.signedIn()
	expectStatus(t, a.post("/cart/items", addForm(mug, "1")), http.StatusSeeOther)
	expectStatus(t, b.post("/cart/items", addForm(mug, "4")), http.StatusSeeOther)

	t.Run("Hit", func(t *testing.T) {
		if got := lineText(cartPage(t, a), mug); !strings.Contains(got, "Mug") {
			t.Fatalf("line %q", got)
		}
		// Behind the app's back: no version moves, so the cached page stays.
		if _, err := s.db.NewRaw("UPDATE products SET name = 'Renamed behind the app' WHERE id = ?", mug).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if got := lineText(cartPage(t, a), mug); strings.Contains(got, "Renamed") || !strings.Contains(got, "Mug") {
			t.Fatalf("second view was not the cached page: %q", got)
		}
		// Through the seller's page: the catalogue version moves, the name shows.
		expectStatus(t, mugSeller.post("/products/"+mugID, url.Values{"name": {"Big mug"}, "price": {"12.50"}}), http.StatusSeeOther)
		if got := lineText(cartPage(t, a), mug); !strings.Contains(got, "Big mug") {
			t.Fatalf("after the seller's edit: %q", got)
		}
	})

	t.Run("OwnCartAndToken", func(t *testing.T) {
		pageA, pageB := a.get("/cart"), b.get("/cart")
		if a.csrf == b.csrf || strings.Contains(pageB.body, a.csrf) || strings.Contains(pageA.body, b.csrf) {
			t.Fatal("a page carries another session's token")
		}
		qtyA, _ := pageA.doc(t).Find(`#qty-` + mugID).Attr("value")
		qtyB, _ := pageB.doc(t).Find(`#qty-` + mugID).Attr("value")
		if qtyA != "1" || qtyB != "4" {
			t.Fatalf("quantities %q and %q, want each user's own 1 and 4", qtyA, qtyB)
		}
		// The cached page's forms work with the token they carry.
		cartPage(t, b)
		expectRedirect(t, b.post("/cart/items/"+mugID, url.Values{"quantity": {"3"}}), http.StatusSeeOther, "/cart")
		if got, _ := cartPage(t, b).Find(`#qty-` + mugID).Attr("value"); got != "3" {
			t.Fatalf("b's quantity %q after the update, want 3", got)
		}
	})

	t.Run("CartWritesShowAtOnce", func(t *testing.T) {
		other := s.secondSession(emailA)
		// The same cart in another session: its own token on the same content.
		cartPage(t, a)
		if cartPage(t, other); other.csrf == a.csrf {
			t.Fatal("two sessions with one token")
		}
		steps := []struct {
			name  string
			do    func() *response
			want  map[string]string
			count string
		}{
			{"add", func() *response { return a.post("/cart/items", addForm(mug, "1")) }, map[string]string{mugID: "2"}, "2"},
			{"htmx add", func() *response {
				form := addForm(mug, "1")
				form.Set("_csrf", a.csrf)
				return a.do(http.MethodPost, "/cart/items", form, http.Header{"HX-Request": {"true"}})
			}, map[string]string{mugID: "3"}, "3"},
			{"quantity", func() *response { return a.post("/cart/items/"+mugID, url.Values{"quantity": {"5"}}) }, map[string]string{mugID: "5"}, "5"},
			{"another line", func() *response { return a.post("/cart/items", addForm(pot, "2")) }, map[string]string{mugID: "5", potID: "2"}, "7"},
			{"from another browser", func() *response { return other.post("/cart/items", addForm(pot, "1")) }, map[string]string{mugID: "5", potID: "3"}, "8"},
			{"remove", func() *response { return a.post("/cart/items/"+potID+"/delete", nil) }, map[string]string{mugID: "5"}, "5"},
			{"zero", func() *response { return a.post("/cart/items/"+mugID, url.Values{"quantity": {"0"}}) }, map[string]string{}, "0"},
		}
		for _, step := range steps {
			cartPage(t, a) // cached before each change
			if r := step.do(); r.StatusCode >= 400 {
				t.Fatalf("%s: status %d", step.name, r.StatusCode)
			}
			if got := cartLines(t, a); !sameLines(got, step.want) {
				t.Fatalf("after %s: cart %v, want %v", step.name, got, step.want)
			}
			if got := navCount(t, a.get("/cart")); got != step.count && !(step.count == "0" && got == "") {
				t.Fatalf("after %s: nav count %q, want %s", step.name, got, step.count)
			}
		}
	})

	t.Run("ProductChangesShowAtOnce", func(t *testing.T) {
		expectStatus(t, a.post("/cart/items", addForm(pot, "1")), http.StatusSeeOther)
		cartPage(t, a)
		expectStatus(t, potSeller.post("/products/"+potID+"/unpublish", nil), http.StatusSeeOther)
		if got := cartLines(t, a); got[potID] != "unavailable" {
			t.Fatalf("draft: %v", got)
		}
		expectStatus(t, potSeller.post("/products/"+potID+"/publish", nil), http.StatusSeeOther)
		if got := cartLines(t, a); got[potID] != "1" {
			t.Fatalf("published again: %v", got)
		}
		// The seller's edit (a form without stock) leaves the teapot unlimited.
		expectStatus(t, potSeller.post("/products/"+potID, url.Values{"name": {"Teapot"}, "price": {"35.00"}}), http.StatusSeeOther)
		doc := cartPage(t, a)
		if doc.Find(`[data-testid="price-changed"]`).Length() != 1 || !strings.Contains(lineText(doc, pot), "$35.00") {
			t.Fatalf("price change not shown: %q", lineText(doc, pot))
		}
		expectRedirect(t, a.post("/cart/items/"+potID+"/delete", nil), http.StatusSeeOther, "/cart")
	})

	t.Run("StockFromOtherBuyers", func(t *testing.T) {
		// a wants 10 lamps of 20; sales that leave more than models.LowStock
		// do not move the catalogue version, so this cart is never served
		// from the cache: "Only 6 left" shows after another buyer's checkout.
		expectStatus(t, a.post("/cart/items", addForm(lamp, "10")), http.StatusSeeOther)
		cartPage(t, a)
		c, _ := s.signedIn()
		expectStatus(t, c.post("/cart/items", addForm(lamp, "14")), http.StatusSeeOther)
		checkoutToPay(t, c)
		if got := lineText(cartPage(t, a), lamp); !strings.Contains(got, "Only 6 left") {
			t.Fatalf("after another buyer's checkout: %q", got)
		}
		// The last ones sold: "Sold out" (this sale moves the version).
		expectRedirect(t, a.post("/cart/items/"+strconv.FormatInt(lamp, 10), url.Values{"quantity": {"1"}}), http.StatusSeeOther, "/cart")
		cartPage(t, a)
		d, _ := s.signedIn()
		expectStatus(t, d.post("/cart/items", addForm(lamp, "6")), http.StatusSeeOther)
		checkoutToPay(t, d)
		if got := cartLines(t, a); got[strconv.FormatInt(lamp, 10)] != "unavailable" {
			t.Fatalf("sold out: %v", got)
		}
		expectRedirect(t, a.post("/cart/items/"+strconv.FormatInt(lamp, 10)+"/delete", nil), http.StatusSeeOther, "/cart")
	})

	t.Run("CheckoutEmptiesIt", func(t *testing.T) {
		expectStatus(t, a.post("/cart/items", addForm(mug, "2")), http.StatusSeeOther)
		if got := cartLines(t, a); got[mugID] != "2" {
			t.Fatalf("cart %v", got)
		}
		checkoutToPay(t, a)
		if cartPage(t, a).Find(`[data-testid="cart-empty"]`).Length() != 1 {
			t.Fatal("the cart page after checkout is not empty")
		}
	})

	t.Run("Guest", func(t *testing.T) {
		g := s.browser()
		expectStatus(t, g.post("/cart/items", addForm(mug, "2")), http.StatusSeeOther)
		first := cartPage(t, g)
		if first.Find(`[data-testid="checkout"]`).Text() == "" || !strings.Contains(first.Find(`[data-testid="checkout"]`).Text(), "Log in") {
			t.Fatal("a guest's cart does not ask to log in to check out")
		}
		if g.csrf == a.csrf || g.csrf == b.csrf {
			t.Fatal("the guest has a user's token")
		}
		expectStatus(t, g.post("/cart/items", addForm(pot, "1")), http.StatusSeeOther)
		if got := cartLines(t, g); !sameLines(got, map[string]string{mugID: "2", potID: "1"}) {
			t.Fatalf("guest cart %v", got)
		}
		if got := navCount(t, g.get("/cart")); got != "3" {
			t.Fatalf("guest nav count %q", got)
		}
		// Merged at login: the user's page shows the merged cart at once.
		cartPage(t, a)
		g.get("/login")
		expectStatus(t, g.post("/login", url.Values{"email": {emailA}, "password": {testPassword}}), http.StatusSeeOther)
		want := map[string]string{mugID: "2", potID: "1"}
		if got := cartLines(t, g); !sameLines(got, want) {
			t.Fatalf("merged cart %v, want %v", got, want)
		}
		if got := cartLines(t, a); !sameLines(got, want) {
			t.Fatalf("the user's other browser: %v, want %v", got, want)
		}
	})
}

func sameLines(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}
