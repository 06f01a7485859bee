package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/internal/benchdata"
	"github.com/storefront/storefront/models"
)

// The seller tools' pages (issue 10): the known user is a seller with a store
// and dashboardProducts products (every fifth a draft), each with a cover, and
// the oldest catalogue product has galleryImages pictures. The pictures are
// rows only (variant keys of no stored object): the pages render their URLs
// and never read the files, and the browser that would is not measured.
const (
	dashboardProducts = 50
	galleryImages     = 4
	benchStoreSlug    = "bench-workshop"
	// storePageSlug is a catalogue seller's store (benchdata.Seed), for the store page.
	storePageSlug = "workshop-1"
	// galleryPath is the product page with pictures; run fills in its id.
	galleryPath = "/products/{gallery}"
)

// fakeVariants are three sizes of a picture under content-like keys.
func fakeVariants(seed string) models.ImageVariants {
	var vs models.ImageVariants
	for _, w := range []int{1600, 800, 400} {
		sum := sha256.Sum256(fmt.Appendf(nil, "%s/%d", seed, w))
		vs = append(vs, models.ImageVariant{Key: hex.EncodeToString(sum[:]) + ".webp", Width: w, Height: w * 3 / 4})
	}
	return vs
}

func seedSellerTools(ctx context.Context, db *bun.DB, userID, galleryProductID int64) error {
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		store := models.Store{UserID: userID, Name: "Bench workshop", Slug: benchStoreSlug, Bio: "Things for the benchmark.",
			CreatedAt: benchdata.Start, UpdatedAt: benchdata.Start}
		if _, err := tx.NewInsert().Model(&store).Exec(ctx); err != nil {
			return fmt.Errorf("seller store: %w", err)
		}
		products := make([]models.Product, dashboardProducts)
		for i := range products {
			p := benchdata.Product(i)
			// Older than the catalogue: the list pages keep their newest products.
			p.SellerID, p.CreatedAt = userID, benchdata.Start.Add(-time.Duration(i+1)*time.Hour)
			p.UpdatedAt, p.Status = p.CreatedAt, models.ProductPublished
			if i%5 == 0 {
				p.Status = models.ProductDraft
			}
			vs := fakeVariants(fmt.Sprintf("dashboard-%d", i))
			p.Cover = models.Image{Alt: p.Name, Width: 1600, Height: 1200, Variants: vs}
			products[i] = p
		}
		if _, err := tx.NewInsert().Model(&products).Exec(ctx); err != nil {
			return fmt.Errorf("seller products: %w", err)
		}
		images := make([]models.ProductImage, galleryImages)
		for i := range images {
			images[i] = models.ProductImage{ProductID: galleryProductID, Position: i, CreatedAt: benchdata.Start,
				Image: models.Image{Alt: fmt.Sprintf("View %d", i+1), Width: 1600, Height: 1200,
					Variants: fakeVariants(fmt.Sprintf("gallery-%d", i))}}
		}
		if _, err := tx.NewInsert().Model(&images).Exec(ctx); err != nil {
			return fmt.Errorf("gallery images: %w", err)
		}
		// The product row's copy of its cover (services keep it so).
		_, err := tx.NewUpdate().Model((*models.Product)(nil)).Where("id = ?", galleryProductID).
			Set("cover_alt = ?, cover_width = ?, cover_height = ?, cover_variants = ?",
				images[0].Alt, images[0].Width, images[0].Height, images[0].Variants).Exec(ctx)
		return err
	})
}
