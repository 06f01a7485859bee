package services_test

import (
	"context"
	"errors"
	"testing"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// Searches wait for one of the catalog's search slots; the catalog's other
// reads (the version every cached page checks, the list, a product) never do.
func TestSearchWaitsItsTurn(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ids, _ := seedSearchCatalogue(t, db)
			catalog := services.NewCatalogWith(db, services.CatalogConfig{SearchSlots: 1, SearchQueue: 1})
			ctx := context.Background()
			mug, err := models.SearchInput{Q: "mug"}.Parse()
			if err != nil {
				t.Fatal(err)
			}
			release, err := catalog.HoldSearchSlot(ctx)
			if err != nil {
				t.Fatal(err)
			}

			if _, err := catalog.Version(ctx); err != nil {
				t.Errorf("version while the slot is taken: %v", err)
			}
			if page, err := catalog.ListProducts(ctx, 1); err != nil || len(page.Products) == 0 {
				t.Errorf("list while the slot is taken: %d products, %v", len(page.Products), err)
			}
			if _, err := catalog.ProductByID(ctx, ids[0]); err != nil {
				t.Errorf("product while the slot is taken: %v", err)
			}
			// The request's deadline ends the wait: a 503, not a hang.
			ended, cancel := context.WithCancel(ctx)
			cancel()
			_, err = catalog.SearchProducts(ended, mug)
			if models.ErrorCode(err) != models.EUNAVAILABLE || !errors.Is(err, context.Canceled) {
				t.Errorf("search while the slot is taken: %v, want EUNAVAILABLE after its context ended", err)
			}

			release()
			if page, err := catalog.SearchProducts(ctx, mug); err != nil || len(page.Products) == 0 {
				t.Errorf("search after the slot was given back: %d products, %v", len(page.Products), err)
			}
		})
	}
}
