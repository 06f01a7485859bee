package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/models"
)

// orderOf stores an order in the given status with one line per product
// (seller, quantity, unit price), as checkout and the payment events leave it.
func (s *shop) orderOf(status models.OrderStatus, lines ...[4]int64) {
	s.t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	var total int64
	for _, l := range lines {
		total += l[2] * l[3]
	}
	var paidAt, cancelledAt *time.Time
	switch status {
	case models.OrderPaid:
		paidAt = &now
	case models.OrderCancelled:
		cancelledAt = &now
	}
	var orderID int64
	err := s.db.NewRaw(`INSERT INTO orders (status, total_cents, currency, provider, payment_ref, hold_expires_at, created_at, paid_at, cancelled_at)
		VALUES (?, ?, 'USD', 'demo', ?, ?, ?, ?, ?) RETURNING id`, string(status), total, uniqueEmail(), now, now, paidAt, cancelledAt).Scan(ctx, &orderID)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, l := range lines {
		if status == models.OrderPaid {
			// As the payment's transaction does: the seller's dashboard counts it.
			if _, err := s.db.NewRaw("UPDATE users SET dashboard_version = dashboard_version + 1 WHERE id = ?", l[1]).Exec(ctx); err != nil {
				s.t.Fatal(err)
			}
		}
		if _, err := s.db.NewRaw(`INSERT INTO order_lines (order_id, product_id, seller_id, product_name, unit_price_cents, quantity)
			VALUES (?, ?, ?, 'x', ?, ?) RETURNING id`, orderID, l[0], l[1], l[3], l[2]).Exec(ctx); err != nil {
			s.t.Fatal(err)
		}
	}
}

// dashboardSales reads the sales of each row of the seller's dashboard:
// product id → "sold|revenue".
func dashboardSales(t *testing.T, c *client) map[int64]string {
	t.Helper()
	resp := c.get("/account")
	expectStatus(t, resp, http.StatusOK)
	out := map[int64]string{}
	resp.doc(t).Find(`[data-testid="dashboard-row"]`).Each(func(_ int, row *goquery.Selection) {
		id, _ := row.Attr("id")
		n, _ := strconv.ParseInt(strings.TrimPrefix(id, "product-row-"), 10, 64)
		out[n] = row.Find(`[data-testid="sold"]`).Text() + "|" + row.Find(`[data-testid="revenue"]`).Text()
	})
	return out
}

// Issue 12: the dashboard shows each product's sales count and revenue, from
// paid order lines only, and never another seller's.
func TestDashboardSales(t *testing.T) {
	s := newShop(t)
	seller, _ := s.signedIn()
	mug := seller.createProduct("Mug", "12.50", models.ProductPublished)
	pot := seller.createProduct("Teapot", "30.00", models.ProductPublished)
	_, otherProduct := s.seller("Other", 999, -1)
	sellerID := s.storedProduct(mug).SellerID
	otherID := s.storedProduct(otherProduct).SellerID

	if got := dashboardSales(t, seller); got[mug] != "0|$0.00" || got[pot] != "0|$0.00" {
		t.Fatalf("before any sale: %v", got)
	}
	s.orderOf(models.OrderPaid, [4]int64{mug, sellerID, 2, 1250}, [4]int64{otherProduct, otherID, 5, 999})
	s.orderOf(models.OrderPaid, [4]int64{mug, sellerID, 1, 1000}) // bought at an older price
	s.orderOf(models.OrderPending, [4]int64{pot, sellerID, 3, 3000})
	s.orderOf(models.OrderCancelled, [4]int64{mug, sellerID, 7, 1250})
	// A line naming this seller's product under another seller (never made by
	// checkout) must not count either: sales are the seller's own lines.
	s.orderOf(models.OrderPaid, [4]int64{pot, otherID, 4, 3000})

	got := dashboardSales(t, seller)
	if got[mug] != "3|$35.00" || got[pot] != "0|$0.00" {
		t.Fatalf("sales %v, want mug 3|$35.00 and teapot 0|$0.00", got)
	}
	if _, ok := got[otherProduct]; ok {
		t.Fatal("another seller's product is on the dashboard")
	}
	if page := seller.get("/account"); !strings.Contains(page.body, "paid orders of all time") {
		t.Fatal("the page does not say which orders the sales count")
	}
}
