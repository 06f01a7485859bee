package services_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// Checkout snapshots the cart's buyable lines into a pending order, reserves
// the stock, queues the hold's expiry and empties those lines from the cart, in
// one transaction; the demo provider sends the buyer to the shop's own page.
func TestCheckoutPlacesOrder(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{Currency: "EUR", Hold: 20 * time.Minute})
			seller1, seller2, buyer := s.user("seller"), s.user("seller"), s.user("buyer")
			mug := s.product(seller1, "Mug", 1200, 10)
			lamp := s.product(seller2, "Lamp", 5000, -1)
			gone := s.product(seller2, "Gone", 700, 1)
			s.add(buyer, mug, 3)
			s.add(buyer, lamp, 1)
			s.add(buyer, gone, 1)
			s.exec("UPDATE products SET stock = 0 WHERE id = ?", gone) // sold out since: left out, and left in the cart

			before := time.Now().UTC()
			order, err := s.checkout.Checkout(s.ctx, buyer)
			if err != nil {
				t.Fatal(err)
			}
			if order.Status != models.OrderPending || order.TotalCents != 3*1200+5000 || order.Currency != "EUR" ||
				order.Provider != models.ProviderDemo || order.PaymentURL != "/orders/"+strconv.FormatInt(order.ID, 10)+"/pay" {
				t.Fatalf("order %+v", order)
			}
			if hold := order.HoldExpiresAt.Sub(before); hold < 19*time.Minute || hold > 21*time.Minute {
				t.Errorf("hold expires in %v, want 20m", hold)
			}
			stored := s.order(buyer, order.ID)
			if len(stored.Lines) != 2 || stored.PaymentURL != order.PaymentURL {
				t.Fatalf("stored order %+v", stored)
			}
			want := map[int64]models.OrderLine{
				mug:  {ProductID: mug, SellerID: seller1, ProductName: "Mug", UnitPriceCents: 1200, Quantity: 3},
				lamp: {ProductID: lamp, SellerID: seller2, ProductName: "Lamp", UnitPriceCents: 5000, Quantity: 1},
			}
			for _, l := range stored.Lines {
				w := want[l.ProductID]
				w.ID = l.ID
				if l != w {
					t.Errorf("line %+v, want %+v", l, w)
				}
			}
			// A later price change does not touch the snapshot.
			s.exec("UPDATE products SET price_cents = 9999, name = 'Renamed' WHERE id = ?", mug)
			if again := s.order(buyer, order.ID); again.TotalCents != 8600 || again.Lines[0].ProductName != "Mug" {
				t.Errorf("snapshot changed: %+v", again)
			}
			if got := s.stock(mug); got != 7 {
				t.Errorf("mug stock %d, want 10-3", got)
			}
			if got := s.stock(lamp); got != -1 {
				t.Errorf("unlimited stock became %d", got)
			}
			cart, err := s.carts.Cart(s.ctx, models.CartOwner{UserID: buyer})
			if err != nil || len(cart.Lines) != 1 || cart.Lines[0].ProductID != gone {
				t.Fatalf("cart after checkout %+v, %v: only the unavailable line stays", cart, err)
			}
			if at := s.holdExpiryJobs()[order.ID]; at.Sub(order.HoldExpiresAt).Abs() > time.Second {
				t.Errorf("expiry job at %v, hold expires at %v", at, order.HoldExpiresAt)
			}

			// Only a sold-out line left: it says so; an empty cart is refused.
			if _, err := s.checkout.Checkout(s.ctx, buyer); models.ErrorCode(err) != models.ECONFLICT || models.ErrorMessage(err) != "Gone: Sold out." {
				t.Errorf("checkout of a sold-out cart: %v", err)
			}
			if err := s.carts.RemoveItem(s.ctx, models.CartOwner{UserID: buyer}, gone); err != nil {
				t.Fatal(err)
			}
			if _, err := s.checkout.Checkout(s.ctx, buyer); !errors.Is(err, services.ErrNothingToCheckout) {
				t.Errorf("checkout of an empty cart: %v", err)
			}
			if n := s.count("SELECT COUNT(*) FROM orders"); n != 1 {
				t.Errorf("%d orders, want 1", n)
			}
		})
	}
}

// A shortage refuses the whole checkout with "Only N left" / "Sold out" per
// product (409), and changes nothing: no order, no stock taken, the cart as it was.
func TestCheckoutShortageChangesNothing(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{})
			seller, buyer := s.user("seller"), s.user("buyer")
			a := s.product(seller, "Alpha", 100, 5)
			b := s.product(seller, "Beta", 100, 2)
			c := s.product(seller, "Gamma", 100, 4)
			s.add(buyer, a, 3)
			s.add(buyer, b, 2)
			s.add(buyer, c, 4)
			s.exec("UPDATE products SET stock = 1 WHERE id = ?", b)
			s.exec("UPDATE products SET stock = 3 WHERE id = ?", c) // fewer than the line's 4
			_, err := s.checkout.Checkout(s.ctx, buyer)
			if models.ErrorCode(err) != models.ECONFLICT {
				t.Fatalf("error %v, want ECONFLICT", err)
			}
			fields := models.FieldErrors(err)
			if fields[strconv.FormatInt(b, 10)] != "Only 1 left" || fields[strconv.FormatInt(c, 10)] != "Only 3 left" || len(fields) != 2 {
				t.Errorf("fields %v", fields)
			}
			if msg := models.ErrorMessage(err); !strings.Contains(msg, "Beta: Only 1 left.") || !strings.Contains(msg, "Gamma: Only 3 left.") {
				t.Errorf("message %q", msg)
			}
			if s.stock(a) != 5 || s.stock(b) != 1 || s.stock(c) != 3 {
				t.Errorf("stock changed: %d %d %d", s.stock(a), s.stock(b), s.stock(c))
			}
			if n := s.count("SELECT COUNT(*) FROM orders"); n != 0 {
				t.Errorf("%d orders", n)
			}
			if n, _ := s.carts.ItemCount(s.ctx, models.CartOwner{UserID: buyer}); n != 9 {
				t.Errorf("cart has %d items, want 9", n)
			}
			if n := s.count("SELECT COUNT(*) FROM river_job"); n != 0 {
				t.Errorf("%d jobs queued by a refused checkout", n)
			}
			s.exec("UPDATE products SET stock = 0 WHERE id = ?", b)
			if _, err := s.checkout.Checkout(s.ctx, buyer); models.ErrorMessage(err) != "Gamma: Only 3 left." {
				t.Errorf("with Beta sold out (left out of checkout): %v", err)
			}
		})
	}
}

// Stock never oversells: with 5 in stock and 40 buyers checking out at once,
// exactly 5 orders are placed and 35 buyers are told "Sold out" or "Only N
// left" (409); the stock ends at 0. On SQLite (one writer) with fewer buyers.
func TestCheckoutNeverOversells(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			buyers, stock := 40, int64(5)
			if name == "sqlite" {
				buyers, stock = 12, 3
			}
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{})
			product := s.product(s.user("seller"), "Limited print", 2500, stock)
			ids := make([]int64, buyers)
			for i := range ids {
				ids[i] = s.user("buyer")
				s.add(ids[i], product, 1)
			}
			start := make(chan struct{})
			errs := make([]error, buyers)
			var wg sync.WaitGroup
			for i, id := range ids {
				wg.Go(func() {
					<-start
					_, errs[i] = s.checkout.Checkout(context.Background(), id)
				})
			}
			close(start)
			wg.Wait()
			placed, refused := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					placed++
				case models.ErrorCode(err) == models.ECONFLICT &&
					(strings.Contains(models.ErrorMessage(err), "Sold out") || strings.Contains(models.ErrorMessage(err), "left")):
					refused++
				default:
					t.Errorf("checkout: %v", err)
				}
			}
			if placed != int(stock) || refused != buyers-int(stock) {
				t.Errorf("%d orders placed, %d refused; want %d and %d", placed, refused, stock, buyers-int(stock))
			}
			if got := s.stock(product); got != 0 {
				t.Errorf("stock %d, want 0", got)
			}
			if n := s.count("SELECT COUNT(*) FROM orders"); n != int(stock) {
				t.Errorf("%d orders in the database", n)
			}
		})
	}
}

// The catalogue version moves when a checkout takes a product's last unit (its
// cached pages must say "Sold out" at once), not when it leaves some or buys an
// unlimited product (that would empty the page cache on every sale).
func TestCheckoutSellOutBumpsCatalogVersion(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{Currency: "EUR", Hold: 20 * time.Minute})
			seller, buyer := s.user("seller"), s.user("buyer")
			// Two more than the page shows as "Only N left".
			mug := s.product(seller, "Mug", 1200, models.LowStock+2)
			lamp := s.product(seller, "Lamp", 5000, -1)
			version := func() int { return s.count("SELECT version FROM catalog_version WHERE id = 1") }
			buy := func(qty int) {
				t.Helper()
				s.add(buyer, mug, qty)
				if _, err := s.checkout.Checkout(s.ctx, buyer); err != nil {
					t.Fatal(err)
				}
			}
			s.add(buyer, lamp, 1)
			v0 := version()
			buy(1) // LowStock+1 left: the page says only "In stock"
			if v := version(); v != v0 {
				t.Fatalf("version %d -> %d after a sale that changed nothing a page shows", v0, v)
			}
			buy(1) // LowStock left: "Only 5 left"
			v1 := version()
			if v1 == v0 {
				t.Fatal("the version did not move when the page started showing the stock")
			}
			buy(models.LowStock)
			if v := version(); v == v1 {
				t.Fatal("the version did not move when the last unit was reserved")
			}
		})
	}
}
