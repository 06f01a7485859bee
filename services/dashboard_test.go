package services_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

func TestSellerDashboard(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := newShop(t, db, nil)
			seller, other, buyer := s.signUp(t, "dash@example.com"), s.signUp(t, "else@example.com"), s.signUp(t, "buyer@example.com")

			first := s.sell(t, seller, "First", models.ProductPublished)
			draft := s.sell(t, seller, "Second", models.ProductDraft)
			gone := s.sell(t, seller, "Deleted", models.ProductPublished)
			last := s.sell(t, seller, "Third", models.ProductPublished)
			s.sell(t, other, "Not mine", models.ProductPublished)
			if err := s.catalog.DeleteProduct(ctx, seller, gone.ID); err != nil {
				t.Fatal(err)
			}
			added, err := s.images.AddImages(ctx, seller, draft.ID, [][]byte{testPNG(500, 250, 80), testPNG(10, 10, 81)})
			if err != nil {
				t.Fatal(err)
			}

			d, err := s.catalog.SellerDashboard(ctx, seller)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range d.Products {
				ids = append(ids, p.ID)
			}
			if !slices.Equal(ids, []int64{last.ID, draft.ID, first.ID}) {
				t.Fatalf("rows %v, want newest first without the deleted one or others'", ids)
			}
			if d.Published != 2 || d.Drafts != 1 || d.Truncated() {
				t.Fatalf("counts: %d published, %d drafts, truncated %v", d.Published, d.Drafts, d.Truncated())
			}
			if d.Store == nil || *d.Store != (models.StoreRef{Name: "dash", Slug: "dash"}) {
				t.Fatalf("store %+v", d.Store)
			}
			row := d.Products[1]
			if row.Name != "Second" || !row.IsDraft() || models.FormatPrice(row.PriceCents) != "12.50" || !row.CreatedAt.Equal(draft.CreatedAt) ||
				row.Cover.Thumbnail() != added[0].Variants[len(added[0].Variants)-1] || row.Cover.Width != 500 {
				t.Fatalf("draft row %+v", row)
			}
			if !d.Products[0].Cover.IsZero() {
				t.Fatalf("a product without images has a cover: %+v", d.Products[0].Cover)
			}

			if d, err := s.catalog.SellerDashboard(ctx, buyer); err != nil || d.Store != nil || len(d.Products) != 0 || d.Published+d.Drafts != 0 {
				t.Fatalf("a buyer's dashboard: %+v, %v", d, err)
			}
			for _, p := range []*models.Product{first, draft, last} {
				if err := s.catalog.DeleteProduct(ctx, seller, p.ID); err != nil {
					t.Fatal(err)
				}
			}
			if d, err := s.catalog.SellerDashboard(ctx, seller); err != nil || d.Store == nil || len(d.Products) != 0 || d.Published+d.Drafts != 0 {
				t.Fatalf("a seller with no products left: %+v, %v", d, err)
			}

			// More than the list holds: the counts still count them all.
			many := s.signUp(t, "many@example.com")
			s.sell(t, many, "First", models.ProductDraft)
			bulk := make([]models.Product, models.DashboardMaxProducts+10)
			for i := range bulk {
				bulk[i] = models.Product{SellerID: many, Name: "Bulk", PriceCents: 100, CreatedAt: time.Now().Add(time.Duration(i) * time.Second),
					Status: []models.ProductStatus{models.ProductPublished, models.ProductDraft}[i%2]}
			}
			if _, err := db.NewInsert().Model(&bulk).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			d, err = s.catalog.SellerDashboard(ctx, many)
			if err != nil || len(d.Products) != models.DashboardMaxProducts || !d.Truncated() ||
				d.Published != (len(bulk)+1)/2 || d.Drafts != len(bulk)/2+1 {
				t.Fatalf("%d rows, %d published, %d drafts, truncated %v, %v", len(d.Products), d.Published, d.Drafts, d.Truncated(), err)
			}
		})
	}
}
