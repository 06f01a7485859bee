package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var payPath = regexp.MustCompile(`^/orders/([0-9]+)/pay$`)

// checkoutToPay checks out c's cart and returns the order id from the
// test-mode payment page it is sent to.
func checkoutToPay(t *testing.T, c *client) string {
	t.Helper()
	c.get("/cart")
	resp := c.post("/checkout", url.Values{})
	expectStatus(t, resp, http.StatusSeeOther)
	m := payPath.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		t.Fatalf("checkout went to %q, not the test-mode page", resp.Header.Get("Location"))
	}
	return m[1]
}

// The whole path in test mode: a guest's checkout sends them to log in and
// back to the cart, kept; checkout goes to the test-mode page; paying makes
// the order paid; the buyer sees it, another user gets a 404 and changes
// nothing; the seller sees the sale.
func TestCheckoutTestMode(t *testing.T) {
	s := newShop(t)
	seller, mug := s.seller("Mug", 1250, 5)
	buyer, email := s.signedIn()
	buyer.post("/logout", url.Values{})

	g := s.browser()
	expectStatus(t, g.post("/cart/items", addForm(mug, "2")), http.StatusSeeOther)
	g.get("/cart")
	resp := g.post("/checkout", url.Values{})
	expectRedirect(t, resp, http.StatusSeeOther, "/login")
	login := g.get("/login")
	if !strings.Contains(login.body, "check out") {
		t.Error("the login page does not say why")
	}
	resp = g.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	expectRedirect(t, resp, http.StatusSeeOther, "/cart")
	if got := cartLines(t, g); got[strconv.FormatInt(mug, 10)] != "2" {
		t.Fatalf("cart after login %v", got)
	}

	id := checkoutToPay(t, g)
	if len(cartLines(t, g)) != 0 {
		t.Error("the ordered lines stayed in the cart")
	}
	var stock int64
	if err := s.db.NewRaw("SELECT stock FROM products WHERE id = ?", mug).Scan(context.Background(), &stock); err != nil || stock != 3 {
		t.Fatalf("stock %d (%v), want 3 reserved of 5", stock, err)
	}
	pay := g.get("/orders/" + id + "/pay")
	expectStatus(t, pay, http.StatusOK)
	if !strings.Contains(pay.body, "Test mode – no real payment") {
		t.Fatal("the payment page is not marked test mode")
	}

	other, _ := s.signedIn()
	t.Run("OtherUser404", func(t *testing.T) {
		expectStatus(t, other.get("/orders/"+id), http.StatusNotFound)
		expectStatus(t, other.get("/orders/"+id+"/pay"), http.StatusNotFound)
		expectStatus(t, other.post("/orders/"+id+"/pay", url.Values{"action": {"cancel"}}), http.StatusNotFound)
		expectStatus(t, g.get("/orders/"+id+"/pay"), http.StatusOK) // still pending, still payable
	})

	t.Run("Pay", func(t *testing.T) {
		expectRedirect(t, g.post("/orders/"+id+"/pay", url.Values{"action": {"pay"}}), http.StatusSeeOther, "/orders/"+id)
		page := g.get("/orders/" + id)
		doc := page.doc(t)
		if doc.Find(`[data-testid="payment-received"]`).Length() != 1 || doc.Find(`[data-testid="order-total"]`).Text() != "$25.00" {
			t.Fatalf("order page after paying:\n%.3000s", page.body)
		}
		expectStatus(t, g.post("/orders/"+id+"/pay", url.Values{"action": {"cancel"}}), http.StatusConflict)
		list := g.get("/orders")
		if list.doc(t).Find(`a[href="/orders/`+id+`"]`).Length() != 1 {
			t.Fatal("the order is not listed")
		}
	})

	t.Run("SellerSeesSale", func(t *testing.T) {
		page := seller.get("/account/sales")
		expectStatus(t, page, http.StatusOK)
		doc := page.doc(t)
		if doc.Find(`[data-testid="sale-line"]`).Length() != 1 || !strings.Contains(doc.Find(`[data-testid="sale-line"]`).Text(), email) ||
			strings.TrimSpace(doc.Find(`[data-testid="sales-revenue"]`).Text()) != "$25.00" {
			var rows []map[string]any
			_ = s.db.NewRaw("SELECT ol.seller_id, o.status, o.paid_at FROM order_lines ol JOIN orders o ON o.id = ol.order_id").Scan(context.Background(), &rows)
			t.Fatalf("sales page:\n%s %v", doc.Find("main").Text(), rows)
		}
		if other.get("/account/sales").doc(t).Find(`[data-testid="sale-line"]`).Length() != 0 {
			t.Fatal("another user sees the seller's sales")
		}
	})

	t.Run("GuestsSentToLogin", func(t *testing.T) {
		n := s.client()
		expectRedirect(t, n.get("/orders"), http.StatusSeeOther, "/login")
		expectRedirect(t, n.get("/account/sales"), http.StatusSeeOther, "/login")
		expectStatus(t, n.post("/checkout", url.Values{}), http.StatusForbidden)
	})
}

// Cancelling in test mode gives the stock back; an empty cart cannot check out.
func TestCheckoutCancelAndEmpty(t *testing.T) {
	s := newShop(t)
	_, mug := s.seller("Mug", 1250, 5)
	b, _ := s.signedIn()
	b.get("/cart")
	expectStatus(t, b.post("/checkout", url.Values{}), http.StatusUnprocessableEntity)
	expectStatus(t, b.post("/cart/items", addForm(mug, "5")), http.StatusSeeOther)
	id := checkoutToPay(t, b)
	b.get("/orders/" + id + "/pay")
	expectRedirect(t, b.post("/orders/"+id+"/pay", url.Values{"action": {"cancel"}}), http.StatusSeeOther, "/orders/"+id)
	var stock int64
	if err := s.db.NewRaw("SELECT stock FROM products WHERE id = ?", mug).Scan(context.Background(), &stock); err != nil || stock != 5 {
		t.Fatalf("stock %d (%v) after cancelling, want 5", stock, err)
	}
	if !strings.Contains(b.get("/orders/"+id).body, "Cancelled") {
		t.Fatal("the order does not say cancelled")
	}
}

// The last item, N buyers at once: exactly one order, the others a 409 with
// the cart again, and the stock never below zero.
func TestCheckoutLastItemConcurrently(t *testing.T) {
	s := newShop(t)
	_, last := s.seller("Last one", 900, 1)
	const n = 8
	buyers := make([]*client, n)
	for i := range buyers {
		buyers[i], _ = s.signedIn()
		expectStatus(t, buyers[i].post("/cart/items", addForm(last, "1")), http.StatusSeeOther)
		buyers[i].get("/cart")
	}
	codes := make([]int, n)
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i, b := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := b.doNoFatal(http.MethodPost, "/checkout", url.Values{"_csrf": {b.csrf}})
			codes[i], bodies[i] = r.code, r.body
		}()
	}
	wg.Wait()
	won := 0
	for i, code := range codes {
		switch code {
		case http.StatusSeeOther:
			won++
		case http.StatusConflict:
			if !strings.Contains(bodies[i], "Sold out") {
				t.Errorf("a 409 without 'Sold out': %.500s", bodies[i])
			}
		default:
			t.Errorf("checkout answered %d", code)
		}
	}
	var stock int64
	if err := s.db.NewRaw("SELECT stock FROM products WHERE id = ?", last).Scan(context.Background(), &stock); err != nil {
		t.Fatal(err)
	}
	if won != 1 || stock != 0 {
		t.Fatalf("%d checkouts won, stock %d; want 1 and 0 (codes %v)", won, stock, codes)
	}
}

// Stock changes show at once on the cached product page: the reservation that
// takes the last unit makes it "Sold out" on the next request (a new catalogue
// version), and cancelling the order makes it buyable again.
func TestSoldOutShowsAtOnce(t *testing.T) {
	s := newShop(t)
	_, mug := s.seller("Mug", 1250, 2)
	page := "/products/" + strconv.FormatInt(mug, 10)
	viewer := s.client()
	buyable := func() bool {
		doc := viewer.get(page).doc(t)
		return doc.Find(`[data-testid="add-to-cart"]`).Length() == 1 && doc.Find(`[data-testid="sold-out"]`).Length() == 0
	}
	if !buyable() { // and now cached
		t.Fatal("the product is not buyable before the sale")
	}
	b, _ := s.signedIn()
	expectStatus(t, b.post("/cart/items", addForm(mug, "2")), http.StatusSeeOther)
	id := checkoutToPay(t, b)
	if buyable() {
		t.Fatal("the product page still offers the product after its last unit was reserved")
	}
	b.get("/orders/" + id + "/pay")
	expectRedirect(t, b.post("/orders/"+id+"/pay", url.Values{"action": {"cancel"}}), http.StatusSeeOther, "/orders/"+id)
	if !buyable() {
		t.Fatal("the product is not buyable again after the order was cancelled")
	}
}
