package services_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

func TestCatalog(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			accounts := services.NewAccounts(db, services.FastHasher(t))
			catalog := services.NewCatalog(db)
			seller, err := accounts.SignUp(ctx, models.Credentials{Email: "s@example.com", Password: "a perfectly fine password"})
			if err != nil {
				t.Fatal(err)
			}

			var created []*models.Product
			for i := 1; i <= models.ProductsPerPage+3; i++ {
				p, err := catalog.CreateProduct(ctx, seller.ID, models.ProductInput{Name: fmt.Sprintf("Item %d", i), Price: "1.50"})
				if err != nil {
					t.Fatal(err)
				}
				created = append(created, p)
			}

			t.Run("ListNewestFirstPaginated", func(t *testing.T) {
				first, err := catalog.ListProducts(ctx, 1)
				if err != nil {
					t.Fatal(err)
				}
				if len(first.Products) != models.ProductsPerPage || !first.HasNext || first.HasPrev {
					t.Fatalf("page 1: %d products, next %v, prev %v", len(first.Products), first.HasNext, first.HasPrev)
				}
				if got, want := first.Products[0].ID, created[len(created)-1].ID; got != want {
					t.Fatalf("first product %d, want newest %d", got, want)
				}
				second, err := catalog.ListProducts(ctx, 2)
				if err != nil {
					t.Fatal(err)
				}
				if len(second.Products) != 3 || second.HasNext || !second.HasPrev {
					t.Fatalf("page 2: %d products, next %v, prev %v", len(second.Products), second.HasNext, second.HasPrev)
				}
				if second.Products[2].ID != created[0].ID {
					t.Fatalf("last product %d, want oldest %d", second.Products[2].ID, created[0].ID)
				}
			})

			t.Run("ProductByID", func(t *testing.T) {
				p, err := catalog.ProductByID(ctx, created[0].ID)
				if err != nil || p.Name != "Item 1" || p.PriceCents != 150 || p.SellerID != seller.ID || p.CreatedAt.IsZero() {
					t.Fatalf("ProductByID = %+v, %v", p, err)
				}
				if _, err := catalog.ProductByID(ctx, 999999); models.ErrorCode(err) != models.ENOTFOUND {
					t.Fatalf("unknown id: %v, want ENOTFOUND", err)
				}
			})

			t.Run("ErrInvalidStoresNothing", func(t *testing.T) {
				before, _ := catalog.CountProducts(ctx)
				_, err := catalog.CreateProduct(ctx, seller.ID, models.ProductInput{Name: "", Price: "-1"})
				if f := models.FieldErrors(err); f["name"] == "" || f["price"] == "" {
					t.Fatalf("want name and price messages, got %v", err)
				}
				if after, _ := catalog.CountProducts(ctx); after != before {
					t.Fatalf("product count changed %d -> %d", before, after)
				}
			})

			t.Run("DatabaseChecks", func(t *testing.T) {
				for _, p := range []models.Product{
					{SellerID: seller.ID, Name: "", PriceCents: 100},
					{SellerID: seller.ID, Name: "x", PriceCents: 0},
					{SellerID: seller.ID, Name: "x", PriceCents: models.PriceMaxCents + 1},
					{SellerID: 424242, Name: "x", PriceCents: 100},
				} {
					if _, err := db.NewInsert().Model(&p).Exec(ctx); err == nil {
						t.Errorf("database accepted %+v", p)
					}
				}
			})

			t.Run("ProductsBySeller", func(t *testing.T) {
				other, _ := accounts.SignUp(ctx, models.Credentials{Email: "o@example.com", Password: "a perfectly fine password"})
				if _, err := catalog.CreateProduct(ctx, other.ID, models.ProductInput{Name: "Theirs", Price: "2"}); err != nil {
					t.Fatal(err)
				}
				mine, err := catalog.ProductsBySeller(ctx, seller.ID)
				if err != nil || len(mine) != len(created) {
					t.Fatalf("seller has %d products (%v), want %d", len(mine), err, len(created))
				}
				for _, p := range mine {
					if p.SellerID != seller.ID {
						t.Fatalf("another seller's product %+v in the list", p)
					}
				}
			})
		})
	}
}

func TestSeedDemo(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			n, err := services.SeedDemo(ctx, db)
			if err != nil || n == 0 {
				t.Fatalf("first seed: %d, %v", n, err)
			}
			again, err := services.SeedDemo(ctx, db)
			if err != nil || again != 0 {
				t.Fatalf("second seed added %d (%v); want 0", again, err)
			}
			// The demo seller can never log in.
			accounts := services.NewAccounts(db, services.FastHasher(t))
			for _, pw := range []string{"", "!demo-account-cannot-log-in", "password1234"} {
				if _, err := accounts.Authenticate(ctx, models.Credentials{Email: "demo-seller@storefront.invalid", Password: pw}); err == nil {
					t.Fatalf("logged in as the demo seller with %q", pw)
				}
			}
		})
	}
}
