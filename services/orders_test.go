package services_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// The demo provider's "Pay (test)" and "Cancel" drive the same transitions as
// the webhook: paid (receipt and sold mails queued in the same transaction),
// cancelled (stock back, once); only the buyer's own pending demo orders.
func TestDemoPaymentTransitions(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{})
			seller1, seller2, buyer, stranger := s.user("seller"), s.user("seller"), s.user("buyer"), s.user("stranger")
			mug := s.product(seller1, "Mug", 1200, 5)
			lamp := s.product(seller2, "Lamp", 5000, 2)
			bowl := s.product(seller2, "Bowl", 800, -1)

			s.add(buyer, mug, 2)
			s.add(buyer, lamp, 1)
			s.add(buyer, bowl, 1)
			paid, err := s.checkout.Checkout(s.ctx, buyer)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.demo.Pay(s.ctx, stranger, paid.ID); !errors.Is(err, services.ErrOrderNotFound) {
				t.Errorf("another user's order: %v", err)
			}
			if outcome, err := s.demo.Pay(s.ctx, buyer, paid.ID); err != nil || outcome != models.PaymentPaid {
				t.Fatalf("pay: %v, %v", outcome, err)
			}
			o := s.order(buyer, paid.ID)
			if o.Status != models.OrderPaid || o.PaidAt == nil {
				t.Errorf("order %+v", o)
			}
			if s.stock(mug) != 3 || s.stock(lamp) != 1 {
				t.Errorf("paid stock %d %d", s.stock(mug), s.stock(lamp))
			}
			mails := s.queuedMails()
			if len(mails) != 3 {
				t.Fatalf("queued mails %v: want the receipt and one notice per seller", mails)
			}
			for i, want := range []string{"buyer-", "seller-1", "seller-2"} {
				if !strings.Contains(mails[i], want) {
					t.Errorf("mail %d %s, want one to %s…", i, mails[i], want)
				}
			}
			if !strings.Contains(mails[2], "Sold 2 lines") {
				t.Errorf("the second seller's notice %s must carry their two lines", mails[2])
			}
			if _, err := s.demo.Pay(s.ctx, buyer, paid.ID); !errors.Is(err, services.ErrOrderNotPending) {
				t.Errorf("paying twice: %v", err)
			}
			if _, err := s.demo.Cancel(s.ctx, buyer, paid.ID); !errors.Is(err, services.ErrOrderNotPending) {
				t.Errorf("cancelling a paid order: %v", err)
			}
			if n := len(s.queuedMails()); n != 3 {
				t.Errorf("%d mails after refused second payment", n)
			}

			s.add(buyer, lamp, 1)
			cancelled, err := s.checkout.Checkout(s.ctx, buyer)
			if err != nil {
				t.Fatal(err)
			}
			if s.stock(lamp) != 0 {
				t.Fatalf("lamp stock %d", s.stock(lamp))
			}
			if outcome, err := s.demo.Cancel(s.ctx, buyer, cancelled.ID); err != nil || outcome != models.PaymentCancelled {
				t.Fatalf("cancel: %v, %v", outcome, err)
			}
			if o := s.order(buyer, cancelled.ID); o.Status != models.OrderCancelled || o.CancelledAt == nil {
				t.Errorf("order %+v", o)
			}
			// The stock comes back once, however often the order is cancelled.
			for range 2 {
				if outcome, err := s.orders.Cancel(s.ctx, cancelled.ID, "again"); err != nil || outcome != models.PaymentUnchanged {
					t.Errorf("cancel again: %v, %v", outcome, err)
				}
			}
			if s.stock(lamp) != 1 {
				t.Errorf("lamp stock %d after cancelling, want 1", s.stock(lamp))
			}
			if _, err := s.demo.Pay(s.ctx, buyer, cancelled.ID); !errors.Is(err, services.ErrOrderNotPending) {
				t.Errorf("paying a cancelled order: %v", err)
			}
			if _, err := s.orders.Cancel(s.ctx, 999999, "none"); !errors.Is(err, services.ErrOrderNotFound) {
				t.Errorf("cancelling an unknown order: %v", err)
			}
			if n := len(s.queuedMails()); n != 3 {
				t.Errorf("%d mails: a cancellation sends none", n)
			}
		})
	}
}

// When the hold expires, its job cancels the still-pending order and gives the
// stock back; a paid order's job changes nothing.
func TestHoldExpiryCancelsAndReleases(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{Hold: time.Millisecond})
			seller, buyer := s.user("seller"), s.user("buyer")
			mug := s.product(seller, "Mug", 1200, 4)
			s.add(buyer, mug, 3)
			expired, err := s.checkout.Checkout(s.ctx, buyer)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.jobs.Start(s.ctx); err != nil {
				t.Fatal(err)
			}
			waitForJobState(t, s.db, services.ExpireHoldArgs{}.Kind(), "completed/1")
			if o := s.order(buyer, expired.ID); o.Status != models.OrderCancelled || !strings.Contains(o.Note, "hold expired") {
				t.Errorf("order %+v", o)
			}
			if s.stock(mug) != 4 {
				t.Errorf("stock %d, want 4 back", s.stock(mug))
			}
		})
	}
}

// Buyers see their own orders, newest first; another user's is a 404. Sellers
// see their paid lines with 30-day totals, and per-product sales.
func TestOrdersAndSales(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{})
			seller, other, buyer, buyer2 := s.user("seller"), s.user("other"), s.user("buyer"), s.user("buyer")
			mug := s.product(seller, "Mug", 1200, -1)
			lamp := s.product(seller, "Lamp", 5000, -1)
			theirs := s.product(other, "Theirs", 300, -1)
			place := func(buyer int64, lines map[int64]int, pay bool) int64 {
				t.Helper()
				for p, q := range lines {
					s.add(buyer, p, q)
				}
				o, err := s.checkout.Checkout(s.ctx, buyer)
				if err != nil {
					t.Fatal(err)
				}
				if pay {
					if _, err := s.demo.Pay(s.ctx, buyer, o.ID); err != nil {
						t.Fatal(err)
					}
				}
				return o.ID
			}
			old := place(buyer, map[int64]int{mug: 1}, true)
			s.exec("UPDATE orders SET paid_at = ?, created_at = ? WHERE id = ?",
				time.Now().UTC().Add(-40*24*time.Hour), time.Now().UTC().Add(-40*24*time.Hour), old)
			recent := place(buyer, map[int64]int{mug: 2, lamp: 1, theirs: 4}, true)
			pending := place(buyer, map[int64]int{lamp: 5}, false)
			other2 := place(buyer2, map[int64]int{lamp: 1}, true)

			list, err := s.orders.OrdersForBuyer(s.ctx, buyer)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 3 || list[0].ID != pending || list[1].ID != recent || list[2].ID != old {
				t.Fatalf("orders %+v: want newest first", list)
			}
			if list[1].ItemCount() != 7 || list[1].TotalCents != 2*1200+5000+4*300 {
				t.Errorf("recent order %+v", list[1])
			}
			if _, err := s.orders.OrderForBuyer(s.ctx, buyer, other2); !errors.Is(err, services.ErrOrderNotFound) {
				t.Errorf("another buyer's order: %v", err)
			}

			since := time.Now().Add(-30 * 24 * time.Hour)
			sales, err := s.orders.SalesForSeller(s.ctx, seller, since)
			if err != nil {
				t.Fatal(err)
			}
			// Paid lines of the seller's products in the last 30 days: recent (mug 2, lamp 1), other2 (lamp 1).
			if len(sales.Lines) != 3 || sales.Orders != 2 || sales.Items != 4 ||
				len(sales.Revenue) != 1 || sales.Revenue[0] != (models.Amount{Cents: 2*1200 + 5000 + 5000, Currency: "USD"}) {
				t.Fatalf("sales %+v", sales)
			}
			first := sales.Lines[0]
			if first.OrderID != other2 || first.ProductName != "Lamp" || first.AmountCents != 5000 || !strings.HasPrefix(first.BuyerEmail, "buyer-") {
				t.Errorf("newest sale %+v", first)
			}
			all, err := s.orders.SalesForSeller(s.ctx, seller, time.Time{})
			if err != nil || all.Orders != 3 || all.Items != 5 {
				t.Errorf("all-time sales %+v, %v", all, err)
			}
			byProduct, err := s.orders.SalesByProduct(s.ctx, seller)
			if err != nil {
				t.Fatal(err)
			}
			if len(byProduct) != 2 || byProduct[0].ProductID != mug || byProduct[0].Items != 3 || byProduct[0].Revenue[0].Cents != 3600 ||
				byProduct[1].ProductID != lamp || byProduct[1].Items != 2 || byProduct[1].ProductName != "Lamp" {
				t.Errorf("by product %+v", byProduct)
			}
			if theirs, err := s.orders.SalesForSeller(s.ctx, other, since); err != nil || theirs.Items != 4 {
				t.Errorf("the other seller's sales %+v, %v", theirs, err)
			}
		})
	}
}
