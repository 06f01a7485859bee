package services_test

import (
	"context"
	"testing"

	"github.com/storefront/storefront/services"
)

// BenchmarkSignedInUser is the per-request user check with the nav's cart
// count, without and with the cart's version (the cart page's), one at a
// time on PostgreSQL, for a user with a five-line cart.
func BenchmarkSignedInUser(b *testing.B) {
	d, ok := services.DatabasesWithURLs(b)["postgres"]
	if !ok {
		b.Skip("no PostgreSQL")
	}
	s := newBuyingShop(b, d, nil, services.CheckoutConfig{})
	accounts := services.NewAccounts(d.DB, services.FastHasher(b))
	seller, buyer := s.user("seller"), s.user("buyer")
	for range 5 {
		s.add(buyer, s.product(seller, "Mug", 1200, -1), 3)
	}
	for _, check := range []struct {
		name string
		fn   func(ctx context.Context, id int64) (services.SignedInUser, error)
	}{{"plain", accounts.SignedInUser}, {"withCart", accounts.SignedInUserWithCart}} {
		b.Run(check.name, func(b *testing.B) {
			before := backendsCPU(b, s)
			for b.Loop() {
				if u, err := check.fn(s.ctx, buyer); err != nil || u.CartItems != 15 {
					b.Fatal(u, err)
				}
			}
			if before >= 0 {
				b.ReportMetric(float64(backendsCPU(b, s)-before)*1e6/100/float64(b.N), "pg-cpu-µs/op")
			}
		})
	}
}
