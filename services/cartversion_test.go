package services_test

import (
	"testing"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// The cart version (the cart page's cache key) changes with every change of a
// cart's lines, whatever makes it: add, a second add to the same line,
// quantity, remove, the merge at login, checkout emptying the cart. It is the
// same through Accounts.SignedInUserWithCart (read with the user check),
// Carts.CartState and the cart as Carts.Cart loaded it, on both databases.
func TestCartVersion(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, nil, services.CheckoutConfig{})
			ctx, carts := s.ctx, s.carts
			accounts := services.NewAccounts(d.DB, services.FastHasher(t))
			seller, buyer := s.user("seller"), s.user("buyer")
			me := models.CartOwner{UserID: buyer}
			mug := s.product(seller, "Mug", 1200, -1)
			lamp := s.product(seller, "Lamp", 5000, 3)

			state := func() (services.CartVersion, int) {
				t.Helper()
				v, n, err := carts.CartState(ctx, me)
				if err != nil {
					t.Fatal(err)
				}
				u, err := accounts.SignedInUserWithCart(ctx, buyer)
				if err != nil || !u.Exists {
					t.Fatalf("SignedInUser = %+v, %v", u, err)
				}
				if u.Cart != v || u.CartItems != n {
					t.Fatalf("SignedInUser %+v, CartState %+v and %d items", u, v, n)
				}
				plain, err := accounts.SignedInUser(ctx, buyer)
				if err != nil || plain.CartItems != n || plain.Cart != (services.CartVersion{}) {
					t.Fatalf("SignedInUser %+v, %v: want %d items and no version read", plain, err, n)
				}
				cart, err := carts.Cart(ctx, me)
				if err != nil || cart.Version != v.Version {
					t.Fatalf("loaded cart's version %q, read %q (%v)", cart.Version, v.Version, err)
				}
				return v, n
			}
			if v, n := state(); v != (services.CartVersion{}) || n != 0 {
				t.Fatalf("no cart yet: %+v, %d items", v, n)
			}
			seen := map[services.CartVersion]string{}
			last := services.CartVersion{}
			moved := func(step string, wantItems int) {
				t.Helper()
				v, n := state()
				if v.ID == 0 || v == last {
					t.Fatalf("%s: the version did not move (%+v)", step, v)
				}
				if v.ID != last.ID && last.ID != 0 {
					t.Fatalf("%s: another cart (%d, was %d)", step, v.ID, last.ID)
				}
				if prev, ok := seen[v]; ok {
					t.Fatalf("%s: version %+v is %s's, another state", step, v, prev)
				}
				if n != wantItems {
					t.Fatalf("%s: %d items, want %d", step, n, wantItems)
				}
				seen[v], last = step, v
			}

			s.add(buyer, mug, 1)
			moved("first add", 1)
			s.add(buyer, mug, 2)
			moved("add to the line", 3)
			s.add(buyer, lamp, 1)
			moved("second line", 4)
			if err := carts.SetQuantity(ctx, me, mug, 5); err != nil {
				t.Fatal(err)
			}
			moved("quantity", 6)
			if err := carts.AddItem(ctx, me, lamp, 3); models.ErrorCode(err) != models.ECONFLICT {
				t.Fatalf("adding past the stock: %v", err)
			}
			if v, _ := state(); v != last {
				t.Fatalf("a refused add moved the version: %+v, was %+v", v, last)
			}
			if err := carts.RemoveItem(ctx, me, lamp); err != nil {
				t.Fatal(err)
			}
			moved("remove", 5)

			guest := models.CartOwner{GuestToken: services.NewToken()}
			if err := carts.AddItem(ctx, guest, lamp, 2); err != nil {
				t.Fatal(err)
			}
			g, n, err := carts.CartState(ctx, guest)
			if err != nil || g.ID == 0 || g.ID == last.ID || g.Version == "" || n != 2 {
				t.Fatalf("guest cart state %+v, %d items, %v", g, n, err)
			}
			if err := carts.MergeGuestCart(ctx, guest.GuestToken, buyer); err != nil {
				t.Fatal(err)
			}
			moved("merge at login", 7)

			if _, err := s.checkout.Checkout(ctx, buyer); err != nil {
				t.Fatal(err)
			}
			if v, _ := state(); v.ID != last.ID || v.Version != "" {
				t.Fatalf("checkout: %+v, want the same cart, empty", v)
			}
		})
	}
}
