package services_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// A deleted account is "gone" everywhere a session could still name it: the
// per-request check, the account page's load and a product create (a foreign
// key failure), on both databases, and never an internal error.
func TestUserGone(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			accounts := services.NewAccounts(db, services.FastHasher(t))
			catalog := services.NewCatalog(db)
			var users []*models.User
			for _, email := range []string{"kept@example.com", "gone@example.com"} {
				u, err := accounts.SignUp(ctx, models.Credentials{Email: email, Password: "a perfectly fine password"})
				if err != nil {
					t.Fatal(err)
				}
				users = append(users, u)
			}
			kept, gone := users[0], users[1]
			if _, err := db.NewDelete().Model((*models.User)(nil)).Where("id = ?", gone.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}

			// Concurrent checks share queries and each gets its own answer.
			var wg sync.WaitGroup
			for i := range 50 {
				wg.Go(func() {
					u := users[i%2]
					ok, err := accounts.UserExists(ctx, u.ID)
					if err != nil || ok != (u == kept) {
						t.Errorf("UserExists(%s) = %v, %v", u.Email, ok, err)
					}
				})
			}
			wg.Wait()
			if ok, err := accounts.UserExists(ctx, 1<<40); ok || err != nil {
				t.Fatalf("UserExists(never existed) = %v, %v", ok, err)
			}

			if _, err := accounts.UserByID(ctx, gone.ID); !errors.Is(err, services.ErrUserGone) {
				t.Fatalf("UserByID(deleted) = %v, want ErrUserGone", err)
			}
			_, err := catalog.CreateProduct(ctx, gone.ID, models.ProductInput{Name: "Orphan", Price: "1.00"})
			if !errors.Is(err, services.ErrUserGone) {
				t.Fatalf("CreateProduct(deleted seller) = %v, want ErrUserGone", err)
			}
			if n, _ := catalog.CountProducts(ctx); n != 0 {
				t.Fatalf("%d products stored for a deleted seller", n)
			}
			if _, err := catalog.CreateProduct(ctx, kept.ID, models.ProductInput{Name: "Fine", Price: "1.00"}); err != nil {
				t.Fatalf("CreateProduct(existing seller): %v", err)
			}
		})
	}
}
