package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// cardForm is the list's form posted by a product's card, as a browser sends it.
func cardForm(productID int64) url.Values {
	v := addForm(productID, "1")
	v.Set("from", "card")
	return v
}

// Product cards offer "Add to cart" (not for a sold-out product), the same for
// every visitor: no token in the cached card. With htmx the card says "Added"
// and the nav count changes out of band; without JavaScript a guest's first add
// is a 303 back to the list with a flash, and a visitor with a session who sends
// no token is asked to confirm on a page with one, and nothing changes before.
func TestCartAddFromCard(t *testing.T) {
	s := newShop(t)
	seller, email := s.signedIn()
	mug := s.product(s.userID(email), "Mug", 1250, -1)
	gone := s.product(s.userID(email), "Gone", 900, 0)

	g := s.browser()
	list := g.get("/products")
	expectStatus(t, list, http.StatusOK)
	doc := list.doc(t)
	card := doc.Find(`form#card-add-` + strconv.FormatInt(mug, 10))
	if card.Length() != 1 || card.Find(`input[name="_csrf"]`).Length() != 0 || card.AttrOr("hx-post", "") != "/cart/items" {
		t.Fatalf("the mug's card has no token-free add form:\n%.2000s", list.body)
	}
	// Its button is described by the card's heading: the product's name.
	described := card.Find("button").AttrOr("aria-describedby", "")
	if described == "" || doc.Find("#"+described).Text() != "Mug" {
		t.Fatalf("the card's button is described by %q, which names %q", described, doc.Find("#"+described).Text())
	}
	if doc.Find(`form#card-add-`+strconv.FormatInt(gone, 10)).Length() != 0 {
		t.Fatal("a sold-out product's card offers an add")
	}

	t.Run("NoJSGuestFirstAdd", func(t *testing.T) {
		resp := g.do(http.MethodPost, "/cart/items", cardForm(mug), http.Header{"Referer": {"https://shop.test/products?page=1"}})
		expectRedirect(t, resp, http.StatusSeeOther, "/products?page=1")
		page := g.get(resp.Header.Get("Location"))
		if !strings.Contains(page.body, "Added to your cart.") || navCount(t, page) != "1" {
			t.Fatalf("flash or count missing after a card add (count %q)", navCount(t, page))
		}
	})

	t.Run("NoJSWithSessionConfirms", func(t *testing.T) {
		b, _ := s.signedIn()
		b.header.Set("Sec-Fetch-Site", "same-origin")
		form := cardForm(mug)
		form.Set("_csrf", "") // the cached card has none
		resp := b.do(http.MethodPost, "/cart/items", form, nil)
		expectStatus(t, resp, http.StatusOK)
		tok, _ := resp.doc(t).Find(`#buy-box input[name="_csrf"]`).Attr("value")
		if tok == "" || tok != b.csrf {
			t.Fatal("the confirmation page lacks the session's token")
		}
		if len(cartLines(t, b)) != 0 {
			t.Fatal("a tokenless add changed the cart")
		}
		expectStatus(t, b.post("/cart/items", addForm(mug, "1")), http.StatusSeeOther)
		if got := cartLines(t, b); got[strconv.FormatInt(mug, 10)] != "1" {
			t.Fatalf("cart after confirming %v", got)
		}
	})

	t.Run("HTMX", func(t *testing.T) {
		b, _ := s.signedIn()
		hx := http.Header{"Hx-Request": {"true"}, "X-Csrf-Token": {b.csrf}, "Sec-Fetch-Site": {"same-origin"}}
		form := cardForm(mug)
		form.Set("_csrf", "")
		resp := b.do(http.MethodPost, "/cart/items", form, hx)
		expectStatus(t, resp, http.StatusOK)
		d := resp.doc(t)
		if !strings.Contains(d.Find(`form#card-add-`+strconv.FormatInt(mug, 10)).Text(), "Added") {
			t.Fatalf("the card does not say added:\n%s", resp.body)
		}
		if oob := d.Find(`#cart-count[hx-swap-oob]`); oob.Length() != 1 || !strings.HasPrefix(strings.TrimSpace(oob.Text()), "1") {
			t.Fatalf("no out-of-band nav count of 1:\n%s", resp.body)
		}
		// The seller's own product: the cached card cannot know, the add says why.
		hxSeller := http.Header{"Hx-Request": {"true"}, "X-Csrf-Token": {seller.csrf}, "Sec-Fetch-Site": {"same-origin"}}
		resp = seller.do(http.MethodPost, "/cart/items", form, hxSeller)
		expectStatus(t, resp, http.StatusUnprocessableEntity)
		if msg := resp.doc(t).Find(`[data-testid="card-add-message"]`).Text(); msg != "You cannot buy your own product." {
			t.Fatalf("own product message %q", msg)
		}
	})
}
