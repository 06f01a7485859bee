package services_test

import (
	"context"
	"testing"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// Every kind of write that changes what a seller's dashboard shows gives that
// seller's dashboard a new version, read by the signed-in query every request
// runs (the account page is cached under it); no other seller's moves, and a
// refused write moves nothing. On both databases.
func TestDashboardVersionFollowsSellerWrites(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, d.DB, nil)
			buy := newBuyingShop(t, d, nil, services.CheckoutConfig{})
			security := services.NewAccountSecurity(d.DB, services.FastHasher(t), nil, services.AccountSecurityConfig{})
			seller := s.signUp(t, "dash-seller@example.com")
			other := s.signUp(t, "dash-other@example.com")
			s.sell(t, other, "Someone else's", models.ProductPublished)

			version := func(id int64) int64 {
				t.Helper()
				u, err := s.accounts.SignedInUser(ctx, id)
				if err != nil || !u.Exists {
					t.Fatalf("signed-in user %d: %+v, %v", id, u, err)
				}
				return u.DashboardVersion
			}
			seen := map[int64]bool{version(seller): true}
			moves := func(what string, write func() error) {
				t.Helper()
				otherBefore := version(other)
				if err := write(); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				v := version(seller)
				if seen[v] {
					t.Fatalf("after %s the seller's dashboard version %d is one it had before", what, v)
				}
				seen[v] = true
				if got := version(other); got != otherBefore {
					t.Fatalf("%s moved another seller's dashboard version", what)
				}
			}
			stays := func(what string, write func() error) {
				t.Helper()
				before := version(seller)
				if err := write(); err == nil {
					t.Fatalf("%s was not refused", what)
				}
				if got := version(seller); got != before {
					t.Fatalf("%s, refused, moved the dashboard version", what)
				}
			}

			var p *models.Product
			moves("a first product (and store)", func() (err error) {
				p, err = s.catalog.CreateProduct(ctx, seller, models.ProductInput{Name: "Mug", Price: "12.50"})
				return err
			})
			moves("a product edit", func() error {
				_, err := s.catalog.UpdateProduct(ctx, seller, p.ID, models.ProductInput{Name: "Big mug", Price: "13"})
				return err
			})
			moves("unpublishing", func() error { return s.catalog.Unpublish(ctx, seller, p.ID) })
			moves("publishing", func() error { return s.catalog.Publish(ctx, seller, p.ID) })
			var images []models.ProductImage
			moves("adding pictures", func() (err error) {
				images, err = s.images.AddImages(ctx, seller, p.ID, [][]byte{testPNG(40, 30, 1), testPNG(30, 40, 2)})
				return err
			})
			moves("describing a picture", func() error { return s.images.SetAlt(ctx, seller, p.ID, images[0].ID, "A mug") })
			moves("reordering pictures", func() error {
				return s.images.Reorder(ctx, seller, p.ID, []int64{images[1].ID, images[0].ID})
			})
			moves("deleting a picture", func() error { return s.images.DeleteImage(ctx, seller, p.ID, images[1].ID) })
			moves("a store edit", func() error {
				_, err := s.stores.UpdateStore(ctx, seller, models.StoreInput{Name: "Mug house", Slug: "mug-house"})
				return err
			})

			// A sale counts once the order is paid.
			buyer := buy.user("buyer")
			buy.add(buyer, p.ID, 2)
			order, err := buy.checkout.Checkout(ctx, buyer)
			if err != nil {
				t.Fatal(err)
			}
			moves("a payment", func() error {
				outcome, err := buy.demo.Pay(ctx, buyer, order.ID)
				if err == nil && outcome != models.PaymentPaid {
					t.Fatalf("payment outcome %q", outcome)
				}
				return err
			})

			moves("an email change", func() error {
				token, _, err := security.RequestEmailChange(ctx, seller, "dash-seller-new@example.com", "a perfectly fine password")
				if err != nil {
					return err
				}
				_, _, err = security.ConfirmEmailChange(ctx, token)
				return err
			})
			moves("deleting a product", func() error { return s.catalog.DeleteProduct(ctx, seller, p.ID) })

			stays("editing a deleted product", func() error {
				_, err := s.catalog.UpdateProduct(ctx, seller, p.ID, models.ProductInput{Name: "Ghost", Price: "1"})
				return err
			})
			stays("a store that is taken", func() error {
				_, err := s.stores.CreateStore(ctx, seller, models.StoreInput{Name: "Again", Slug: "again"})
				return err
			})

			// An account with no store yet: creating one moves its version.
			seller, seen = s.signUp(t, "dash-store@example.com"), map[int64]bool{}
			seen[version(seller)] = true
			moves("creating a store", func() error {
				_, err := s.stores.CreateStore(ctx, seller, models.StoreInput{Name: "Plain store", Slug: "plain-store"})
				return err
			})
		})
	}
}
