package services_test

import (
	"testing"
	"time"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

func TestCarts(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{})
			ctx, carts := s.ctx, s.carts
			seller, buyer := s.user("seller"), s.user("buyer")
			me := models.CartOwner{UserID: buyer}
			mug := s.product(seller, "Mug", 1200, -1)
			lamp := s.product(seller, "Lamp", 5000, 3)
			gone := s.product(seller, "Gone", 700, 0)
			code := func(err error) models.Code {
				if err == nil {
					return ""
				}
				return models.ErrorCode(err)
			}

			t.Run("AddCapsAt99", func(t *testing.T) {
				s.add(buyer, mug, 60)
				s.add(buyer, mug, 60)
				cart, err := carts.Cart(ctx, me)
				if err != nil {
					t.Fatal(err)
				}
				if len(cart.Lines) != 1 || cart.Lines[0].Quantity != 99 || cart.SubtotalCents != 99*1200 || cart.ItemCount != 99 {
					t.Fatalf("cart %+v", cart)
				}
			})
			t.Run("Refusals", func(t *testing.T) {
				for _, tc := range []struct {
					name    string
					owner   models.CartOwner
					product int64
					qty     int
					want    models.Code
					msg     string
				}{
					{"quantity 0", me, mug, 0, models.EINVALID, ""},
					{"quantity 100", me, mug, 100, models.EINVALID, ""},
					{"own product", models.CartOwner{UserID: seller}, mug, 1, models.EINVALID, "You cannot buy your own product."},
					{"unknown product", me, 999999, 1, models.ENOTFOUND, ""},
					{"sold out", me, gone, 1, models.ECONFLICT, "Sold out."},
					{"more than left", me, lamp, 4, models.ECONFLICT, "Only 3 left."},
				} {
					err := carts.AddItem(ctx, tc.owner, tc.product, tc.qty)
					if code(err) != tc.want || (tc.msg != "" && models.ErrorMessage(err) != tc.msg) {
						t.Errorf("%s: %v, want %s %q", tc.name, err, tc.want, tc.msg)
					}
				}
				if err := carts.AddItem(ctx, models.CartOwner{GuestToken: "not-a-token"}, mug, 1); err == nil {
					t.Error("a malformed guest token made a cart")
				}
			})
			t.Run("SetQuantityAndRemove", func(t *testing.T) {
				s.add(buyer, lamp, 1)
				if err := carts.SetQuantity(ctx, me, lamp, 3); err != nil {
					t.Fatal(err)
				}
				if err := carts.SetQuantity(ctx, me, lamp, 4); code(err) != models.ECONFLICT || models.ErrorMessage(err) != "Only 3 left." {
					t.Errorf("over the stock: %v", err)
				}
				if err := carts.SetQuantity(ctx, me, gone, 1); code(err) != models.ENOTFOUND {
					t.Errorf("a line not in the cart: %v", err)
				}
				if err := carts.SetQuantity(ctx, me, lamp, 100); code(err) != models.EINVALID {
					t.Errorf("100: %v", err)
				}
				if n, err := carts.ItemCount(ctx, me); err != nil || n != 99+3 {
					t.Fatalf("item count %d, %v", n, err)
				}
				if err := carts.SetQuantity(ctx, me, lamp, 0); err != nil {
					t.Fatal(err)
				}
				if err := carts.RemoveItem(ctx, me, mug); err != nil {
					t.Fatal(err)
				}
				if err := carts.RemoveItem(ctx, me, mug); err != nil {
					t.Fatalf("removing again: %v", err)
				}
				if n, err := carts.ItemCount(ctx, me); err != nil || n != 0 {
					t.Fatalf("item count %d, %v after removing everything", n, err)
				}
			})
			t.Run("PriceChangeAndUnavailableLines", func(t *testing.T) {
				s.add(buyer, mug, 2)
				s.add(buyer, lamp, 1)
				s.exec("UPDATE products SET price_cents = 1500 WHERE id = ?", mug)
				s.exec("UPDATE products SET stock = 0 WHERE id = ?", lamp)
				cart, err := carts.Cart(ctx, me)
				if err != nil {
					t.Fatal(err)
				}
				if len(cart.Lines) != 2 {
					t.Fatalf("lines %+v", cart.Lines)
				}
				m, l := cart.Lines[0], cart.Lines[1]
				if m.ProductID != mug || !m.PriceChanged || m.AddedPriceCents != 1200 || m.UnitPriceCents != 1500 || m.LineTotalCents != 3000 || !m.Available() {
					t.Errorf("mug line %+v", m)
				}
				if l.ProductID != lamp || l.State != models.CartLineSoldOut || l.Available() {
					t.Errorf("sold-out lamp line %+v", l)
				}
				if cart.SubtotalCents != 3000 || cart.ItemCount != 3 || !cart.Checkoutable {
					t.Errorf("subtotal %d, count %d: the sold-out line must stay visible and out of the total", cart.SubtotalCents, cart.ItemCount)
				}
				// Adding again takes the current price: the change was seen.
				s.add(buyer, mug, 1)
				if cart, _ := carts.Cart(ctx, me); cart.Lines[0].PriceChanged || cart.Lines[0].Quantity != 3 {
					t.Errorf("after adding again: %+v", cart.Lines[0])
				}
				s.exec("UPDATE products SET stock = 3 WHERE id = ?", lamp)
				s.exec("DELETE FROM cart_items")
			})
			t.Run("GuestCartMergesAtLogin", func(t *testing.T) {
				guest := models.CartOwner{GuestToken: services.NewToken()}
				if cart, err := carts.Cart(ctx, guest); err != nil || len(cart.Lines) != 0 {
					t.Fatalf("a new guest's cart: %+v, %v", cart, err)
				}
				s.add(buyer, mug, 50)
				other := s.user("seller")
				own := s.product(other, "Their own", 900, -1)
				for product, qty := range map[int64]int{mug: 70, lamp: 2, own: 1} {
					if err := carts.AddItem(ctx, guest, product, qty); err != nil {
						t.Fatal(err)
					}
				}
				if n, err := carts.ItemCount(ctx, guest); err != nil || n != 73 {
					t.Fatalf("guest count %d, %v", n, err)
				}
				// The buyer logs in as... the seller of "Their own": it stays behind.
				s.add(other, mug, 50)
				if err := carts.MergeGuestCart(ctx, guest.GuestToken, other); err != nil {
					t.Fatal(err)
				}
				cart, err := carts.Cart(ctx, models.CartOwner{UserID: other})
				if err != nil {
					t.Fatal(err)
				}
				got := map[int64]int{}
				for _, l := range cart.Lines {
					got[l.ProductID] = l.Quantity
				}
				if len(got) != 2 || got[mug] != 99 || got[lamp] != 2 {
					t.Fatalf("merged cart %v: want mug 50+70 capped at 99, lamp 2, not their own product", got)
				}
				if n := s.count("SELECT COUNT(*) FROM carts WHERE user_id IS NULL"); n != 0 {
					t.Errorf("%d guest carts left after the merge", n)
				}
				// Merging again (a second login with the same token) finds nothing.
				if err := carts.MergeGuestCart(ctx, guest.GuestToken, other); err != nil {
					t.Fatal(err)
				}
				if cart, _ := carts.Cart(ctx, models.CartOwner{UserID: other}); cart.ItemCount != 101 {
					t.Errorf("a second merge changed the cart: %d items", cart.ItemCount)
				}
				// The first buyer's cart is untouched.
				if n, _ := carts.ItemCount(ctx, me); n != 50 {
					t.Errorf("another user's cart has %d items", n)
				}
			})
		})
	}
}

// Guest carts no session can reach any more (older than GuestCartTTL) are
// removed as new guest carts are made.
func TestGuestCartsArePruned(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{})
			mug := s.product(s.user("seller"), "Mug", 1200, -1)
			old := models.CartOwner{GuestToken: services.NewToken()}
			if err := s.carts.AddItem(s.ctx, old, mug, 1); err != nil {
				t.Fatal(err)
			}
			s.exec("UPDATE carts SET created_at = ?", time.Now().UTC().Add(-services.DefaultGuestCartTTL-time.Minute))
			user := models.CartOwner{UserID: s.user("buyer")}
			s.add(user.UserID, mug, 1) // user carts neither prune nor are pruned
			s.exec("UPDATE carts SET created_at = ? WHERE user_id IS NOT NULL", time.Now().UTC().Add(-100*time.Hour))
			fresh := models.CartOwner{GuestToken: services.NewToken()}
			if err := s.carts.AddItem(s.ctx, fresh, mug, 1); err != nil {
				t.Fatal(err)
			}
			for owner, want := range map[*models.CartOwner]int{&old: 0, &fresh: 1, &user: 1} {
				if n, err := s.carts.ItemCount(s.ctx, *owner); err != nil || n != want {
					t.Errorf("%+v: %d items, %v; want %d", *owner, n, err, want)
				}
			}
		})
	}
}
