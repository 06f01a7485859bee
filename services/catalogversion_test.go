package services_test

import (
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// A product written through one instance's Catalog changes the version that
// another instance's Catalog reads, with no delay (the coalesced read starts
// after the caller asked), and a write that fails changes nothing.
func TestCatalogVersionFollowsProductWrites(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			writer, reader := services.NewCatalog(db), services.NewCatalog(db) // two app instances
			seller, err := services.NewAccounts(db, services.FastHasher(t)).SignUp(ctx,
				models.Credentials{Email: "v@example.com", Password: "a perfectly fine password"})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for i := 0; i < 5; i++ {
				before, err := reader.Version(ctx)
				if err != nil || before == "" {
					t.Fatalf("version %q, %v", before, err)
				}
				seen[before] = true
				if _, err := writer.CreateProduct(ctx, seller.ID, models.ProductInput{Name: "Cup", Price: "3"}); err != nil {
					t.Fatal(err)
				}
				// Many concurrent readers, as under load: all must see the new version.
				var wg sync.WaitGroup
				got := make([]string, 50)
				for j := range got {
					wg.Go(func() {
						v, err := reader.Version(ctx)
						if err != nil {
							t.Error(err)
						}
						got[j] = v
					})
				}
				wg.Wait()
				for _, v := range got {
					if seen[v] {
						t.Fatalf("write %d: a reader got the version %q from before the write", i, v)
					}
					if v != got[0] {
						t.Fatalf("readers disagree after write %d: %q vs %q", i, v, got[0])
					}
				}
			}

			before, _ := reader.Version(ctx)
			// The insert fails inside the transaction (no such seller): the version stays.
			if _, err := writer.CreateProduct(ctx, 987654, models.ProductInput{Name: "Ghost", Price: "1"}); err == nil {
				t.Fatal("a product for a missing seller was created")
			}
			if after, _ := reader.Version(ctx); after != before {
				t.Fatalf("a failed write changed the version %q -> %q", before, after)
			}
		})
	}
}

// After a database restore (or a failover to a replica that lagged), the next
// write must not give the catalogue a version that already named another state
// of it: instances may still hold pages made under that version, showing
// products the restore took away.
func TestCatalogVersionNeverRepeatsAfterRestore(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			catalog := services.NewCatalog(db)
			seller, err := services.NewAccounts(db, services.FastHasher(t)).SignUp(ctx,
				models.Credentials{Email: "restore@example.com", Password: "a perfectly fine password"})
			if err != nil {
				t.Fatal(err)
			}
			// The backup: the version row as it is now, whatever its columns.
			var backup map[string]any
			if err := db.NewSelect().Table("catalog_version").Where("id = 1").Scan(ctx, &backup); err != nil {
				t.Fatal(err)
			}
			before, _ := catalog.Version(ctx)
			lost, err := catalog.CreateProduct(ctx, seller.ID, models.ProductInput{Name: "Lost in the restore", Price: "5"})
			if err != nil {
				t.Fatal(err)
			}
			withLost, _ := catalog.Version(ctx)

			// Restore the backup: the product and the version row as they were.
			if _, err := db.NewDelete().Model((*models.Product)(nil)).Where("id = ?", lost.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			restore := db.NewUpdate().Table("catalog_version").Where("id = 1")
			for column, value := range backup {
				restore = restore.Set("? = ?", bun.Ident(column), value)
			}
			if _, err := restore.Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if v, _ := catalog.Version(ctx); v != before {
				t.Fatalf("the restored version is %q, want the backup's %q", v, before)
			}

			if _, err := catalog.CreateProduct(ctx, seller.ID, models.ProductInput{Name: "After the restore", Price: "6"}); err != nil {
				t.Fatal(err)
			}
			after, _ := catalog.Version(ctx)
			if after == withLost || after == before {
				t.Fatalf("after the restore and a write the version is %q again (before %q, with the lost product %q)", after, before, withLost)
			}
		})
	}
}
