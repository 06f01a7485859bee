package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
)

// product adds a published product of seller (a user id) straight to the
// database; stock < 0 is unlimited.
func (s *shop) product(sellerID int64, name string, priceCents, stock int64) int64 {
	s.t.Helper()
	p := &models.Product{SellerID: sellerID, Name: name, PriceCents: priceCents, CreatedAt: time.Now().UTC()}
	if stock >= 0 {
		p.Stock = &stock
	}
	if _, err := s.db.NewInsert().Model(p).Returning("id").Exec(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	return p.ID
}

// userID is the id of the account with email.
func (s *shop) userID(email string) int64 {
	s.t.Helper()
	var id int64
	if err := s.db.NewRaw("SELECT id FROM users WHERE email = ?", strings.ToLower(email)).Scan(context.Background(), &id); err != nil {
		s.t.Fatal(err)
	}
	return id
}

// seller signs up a seller and adds one product of theirs.
func (s *shop) seller(name string, priceCents, stock int64) (*client, int64) {
	s.t.Helper()
	c, email := s.signedIn()
	return c, s.product(s.userID(email), name, priceCents, stock)
}

// browser is a guest whose requests say they come from the shop's own pages,
// as a browser's do (Sec-Fetch-Site).
func (s *shop) browser() *client {
	c := s.client()
	c.header.Set("Sec-Fetch-Site", "same-origin")
	return c
}

func addForm(productID int64, qty string) url.Values {
	return url.Values{"product_id": {strconv.FormatInt(productID, 10)}, "quantity": {qty}}
}

// cartLines reads the cart page: product id → quantity field (or "unavailable").
func cartLines(t *testing.T, c *client) map[string]string {
	t.Helper()
	resp := c.get("/cart")
	expectStatus(t, resp, http.StatusOK)
	lines := map[string]string{}
	resp.doc(t).Find(`[data-testid="cart-line"]`).Each(func(_ int, l *goquery.Selection) {
		id, _ := l.Attr("data-product-id")
		if l.Find(`[data-testid="line-unavailable"]`).Length() > 0 {
			lines[id] = "unavailable"
			return
		}
		lines[id], _ = l.Find(`input[name="quantity"]`).Attr("value")
	})
	return lines
}

func navCount(t *testing.T, r *response) string {
	t.Helper()
	f := strings.Fields(r.doc(t).Find(`#cart-count`).Text()) // "2 items in your cart"
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// A guest's first add comes from a page without a token: it is taken on the
// same-origin check alone and starts the guest's session; cross-site and
// header-less requests are refused and start nothing; every later change
// needs the session's token. Browsing never starts a session.
func TestCartGuestFirstAdd(t *testing.T) {
	s := newShop(t)
	_, mug := s.seller("Mug", 1250, -1)

	keys := s.redisKeys()
	g := s.browser()
	page := g.get("/products/" + strconv.FormatInt(mug, 10))
	expectStatus(t, page, http.StatusOK)
	if g.sid() != "" || s.redisKeys() != keys {
		t.Fatal("browsing a product page started a session")
	}
	form := page.doc(t).Find(`#buy-box form[action="/cart/items"]`)
	if form.Length() != 1 || form.Find(`input[name="_csrf"]`).Length() != 0 || form.Find(`label[for="quantity"]`).Length() != 1 {
		t.Fatal("a guest's product page lacks the token-free add form with its labelled quantity")
	}
	if navCount(t, page) != "0" {
		t.Errorf("guest nav count %q", navCount(t, page))
	}

	t.Run("CrossSiteRefused", func(t *testing.T) {
		evil := s.client()
		expectStatus(t, evil.do(http.MethodPost, "/cart/items", addForm(mug, "1"), http.Header{"Sec-Fetch-Site": {"cross-site"}}), http.StatusForbidden)
		expectStatus(t, evil.do(http.MethodPost, "/cart/items", addForm(mug, "1"), http.Header{"Origin": {"https://evil.test"}}), http.StatusForbidden)
		expectStatus(t, evil.do(http.MethodPost, "/cart/items", addForm(mug, "1"), nil), http.StatusForbidden)
		if evil.sid() != "" {
			t.Fatal("a refused add started a session")
		}
	})

	t.Run("FirstAddStartsSession", func(t *testing.T) {
		resp := g.do(http.MethodPost, "/cart/items", addForm(mug, "2"), nil)
		expectRedirect(t, resp, http.StatusSeeOther, "/products/"+strconv.FormatInt(mug, 10))
		if g.sid() == "" {
			t.Fatal("no session after the first add")
		}
		page := g.get(resp.Header.Get("Location"))
		if !strings.Contains(page.body, "Added to your cart.") || navCount(t, page) != "2" {
			t.Fatalf("flash or count missing after add (count %q)", navCount(t, page))
		}
		if tok, _ := page.doc(t).Find(`#buy-box input[name="_csrf"]`).Attr("value"); tok == "" || tok != g.csrf {
			t.Fatal("the buy box of a guest with a session lacks the session's token")
		}
		if got := cartLines(t, g); got[strconv.FormatInt(mug, 10)] != "2" {
			t.Fatalf("cart %v", got)
		}
	})

	t.Run("LaterChangesNeedToken", func(t *testing.T) {
		expectStatus(t, g.do(http.MethodPost, "/cart/items", addForm(mug, "1"), nil), http.StatusForbidden)
		expectStatus(t, g.post("/cart/items", addForm(mug, "1")), http.StatusSeeOther)
		id := strconv.FormatInt(mug, 10)
		expectStatus(t, g.do(http.MethodPost, "/cart/items/"+id, url.Values{"quantity": {"9"}}, nil), http.StatusForbidden)
		expectStatus(t, g.do(http.MethodPost, "/cart/items/"+id+"/delete", url.Values{}, nil), http.StatusForbidden)
		if got := cartLines(t, g); got[id] != "3" {
			t.Fatalf("cart %v, want 3 of the mug", got)
		}
	})

	t.Run("HTMXShowsAddedAndCount", func(t *testing.T) {
		resp := g.do(http.MethodPost, "/cart/items", addForm(mug, "1"), http.Header{"Hx-Request": {"true"}, "X-Csrf-Token": {g.csrf}})
		expectStatus(t, resp, http.StatusOK)
		doc := resp.doc(t)
		if !strings.Contains(doc.Find(`[data-testid="add-to-cart"]`).Text(), "Added") {
			t.Error("the button does not say Added")
		}
		count := doc.Find(`#cart-count[hx-swap-oob="true"]`)
		if count.Length() != 1 || !strings.HasPrefix(count.Text(), "4 items") {
			t.Errorf("no out-of-band cart count of 4: %s", resp.body)
		}
	})

	t.Run("BadQuantity", func(t *testing.T) {
		for _, q := range []string{"0", "100", "x", ""} {
			resp := g.post("/cart/items", addForm(mug, q))
			expectStatus(t, resp, http.StatusUnprocessableEntity)
			if v, _ := resp.doc(t).Find(`#quantity`).Attr("value"); q != "" && v != q {
				t.Errorf("quantity %q not kept: %q", q, v)
			}
		}
		expectStatus(t, g.post("/cart/items", addForm(999999, "1")), http.StatusNotFound)
	})
}

// A seller's own product has no button, and adding it is a 422.
func TestCartOwnProduct(t *testing.T) {
	s := newShop(t)
	seller, lamp := s.seller("Lamp", 4000, -1)
	page := seller.get("/products/" + strconv.FormatInt(lamp, 10))
	doc := page.doc(t)
	if doc.Find(`[data-testid="add-to-cart"]`).Length() != 0 || doc.Find(`[data-testid="own-product"]`).Length() != 1 {
		t.Fatal("the seller sees an add button on their own product")
	}
	expectStatus(t, seller.post("/cart/items", addForm(lamp, "1")), http.StatusUnprocessableEntity)
	if len(cartLines(t, seller)) != 0 {
		t.Fatal("own product went into the cart")
	}
}

// Sold out: the page says so and an add is a 409; more than the stock: 409.
func TestCartSoldOut(t *testing.T) {
	s := newShop(t)
	_, gone := s.seller("Gone", 500, 0)
	_, few := s.seller("Few", 500, 2)
	b, _ := s.signedIn()
	page := b.get("/products/" + strconv.FormatInt(gone, 10))
	if page.doc(t).Find(`[data-testid="sold-out"]`).Length() != 1 {
		t.Fatal("a sold-out product page does not say so")
	}
	expectStatus(t, b.post("/cart/items", addForm(gone, "1")), http.StatusConflict)
	resp := b.post("/cart/items", addForm(few, "3"))
	expectStatus(t, resp, http.StatusConflict)
	if !strings.Contains(resp.body, "Only 2 left") {
		t.Error("no 'Only 2 left'")
	}
}

// Changing and removing lines; another user's line is a 404 and nothing
// changes; unavailable lines and changed prices are shown and left out.
func TestCartLines(t *testing.T) {
	s := newShop(t)
	mugSeller, mug := s.seller("Mug", 1250, -1)
	potSeller, pot := s.seller("Teapot", 3000, -1)
	a, _ := s.signedIn()
	other, _ := s.signedIn()
	expectStatus(t, a.post("/cart/items", addForm(mug, "1")), http.StatusSeeOther)
	expectStatus(t, a.post("/cart/items", addForm(pot, "1")), http.StatusSeeOther)
	mugID, potID := strconv.FormatInt(mug, 10), strconv.FormatInt(pot, 10)

	t.Run("Quantity", func(t *testing.T) {
		expectRedirect(t, a.post("/cart/items/"+mugID, url.Values{"quantity": {"5"}}), http.StatusSeeOther, "/cart")
		resp := a.get("/cart")
		if got := resp.doc(t).Find(`[data-testid="subtotal"]`).Text(); got != "$92.50" {
			t.Errorf("subtotal %q, want $92.50", got)
		}
		resp = a.post("/cart/items/"+mugID, url.Values{"quantity": {"100"}})
		expectStatus(t, resp, http.StatusUnprocessableEntity)
		if resp.doc(t).Find(`[data-testid="line-problem"]`).Length() != 1 {
			t.Error("no message beside the line")
		}
	})

	t.Run("OtherUsersLine", func(t *testing.T) {
		other.get("/cart")
		expectStatus(t, other.post("/cart/items/"+mugID, url.Values{"quantity": {"1"}}), http.StatusNotFound)
		expectStatus(t, other.post("/cart/items/"+mugID+"/delete", url.Values{}), http.StatusNotFound)
		if got := cartLines(t, a); got[mugID] != "5" || got[potID] != "1" {
			t.Fatalf("a's cart changed: %v", got)
		}
	})

	t.Run("UnavailableAndPriceChange", func(t *testing.T) {
		// Through the sellers' own pages, as the cart page (cached per
		// catalogue version) must show every such change at once.
		expectStatus(t, potSeller.post("/products/"+potID+"/unpublish", nil), http.StatusSeeOther)
		expectStatus(t, mugSeller.post("/products/"+mugID, url.Values{"name": {"Mug"}, "price": {"15.00"}}), http.StatusSeeOther)
		resp := a.get("/cart")
		doc := resp.doc(t)
		if got := cartLines(t, a); got[potID] != "unavailable" {
			t.Errorf("draft line not shown unavailable: %v", got)
		}
		if doc.Find(`[data-testid="price-changed"]`).Length() != 1 {
			t.Error("the changed price is not pointed out")
		}
		if got := doc.Find(`[data-testid="subtotal"]`).Text(); got != "$75.00" {
			t.Errorf("subtotal %q, want $75.00 (5 × $15, the draft left out)", got)
		}
	})

	t.Run("RemoveAndZero", func(t *testing.T) {
		expectRedirect(t, a.post("/cart/items/"+potID+"/delete", url.Values{}), http.StatusSeeOther, "/cart")
		expectRedirect(t, a.post("/cart/items/"+mugID, url.Values{"quantity": {"0"}}), http.StatusSeeOther, "/cart")
		resp := a.get("/cart")
		if resp.doc(t).Find(`[data-testid="cart-empty"] a[href="/products"]`).Length() != 1 {
			t.Fatal("empty cart without a next step")
		}
	})
}

// The guest's cart joins the user's at login (quantities added, capped at 99)
// and at sign-up, across the session's rotation.
func TestCartMergeAtLogin(t *testing.T) {
	s := newShop(t)
	_, mug := s.seller("Mug", 1250, -1)
	_, pot := s.seller("Teapot", 3000, -1)
	mugID, potID := strconv.FormatInt(mug, 10), strconv.FormatInt(pot, 10)
	user, email := s.signedIn()
	expectStatus(t, user.post("/cart/items", addForm(mug, "50")), http.StatusSeeOther)

	g := s.browser()
	expectStatus(t, g.post("/cart/items", addForm(mug, "60")), http.StatusSeeOther)
	g.get("/cart") // the session's token, for the next change
	expectStatus(t, g.post("/cart/items", addForm(pot, "1")), http.StatusSeeOther)
	guestSID := g.sid()
	g.get("/login")
	expectStatus(t, g.post("/login", url.Values{"email": {email}, "password": {testPassword}}), http.StatusSeeOther)
	if g.sid() == "" || g.sid() == guestSID {
		t.Fatal("login did not rotate the session")
	}
	if got := cartLines(t, g); got[mugID] != "99" || got[potID] != "1" {
		t.Fatalf("merged cart %v, want 99 mugs (capped) and 1 teapot", got)
	}

	n := s.browser()
	expectStatus(t, n.post("/cart/items", addForm(pot, "2")), http.StatusSeeOther)
	n.get("/signup") // as a guest with a session: its token
	expectStatus(t, n.post("/signup", url.Values{"email": {uniqueEmail()}, "password": {testPassword}}), http.StatusSeeOther)
	if got := cartLines(t, n); got[potID] != "2" {
		t.Fatalf("cart after sign-up %v", got)
	}
}

// A line shows its product's cover picture (a letter stands in without one).
func TestCartLineShowsCover(t *testing.T) {
	s := newShop(t)
	seller, _ := s.signedIn()
	lamp := seller.createProduct("Lamp", "20.00", models.ProductPublished)
	resp := seller.postFiles(paths.ProductImages(lamp), map[string][]byte{"lamp.png": testPNG(t, 600, 400)}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%.1000s", resp.StatusCode, resp.body)
	}
	buyer, _ := s.signedIn()
	expectStatus(t, buyer.post("/cart/items", addForm(lamp, "1")), http.StatusSeeOther)
	line := buyer.get("/cart").doc(t).Find(`[data-testid="cart-line"]`)
	src, ok := line.Find("img").Attr("src")
	if !ok || !strings.HasPrefix(src, "/media/") {
		t.Fatalf("cart line picture src %q (found %v), want a /media/ URL", src, ok)
	}
	if alt, _ := line.Find("img").Attr("alt"); alt != "" {
		t.Errorf("decorative cover has alt %q, want empty (the name is beside it)", alt)
	}
}
