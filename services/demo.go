package services

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// demoSellerEmail owns the demo products. Its password hash is not a valid
// argon2id encoding, so nobody can ever log in as it (no shared default account).
const demoSellerEmail = "demo-seller@storefront.invalid"

var demoProducts = []models.Product{
	{Name: "Hand-thrown stoneware mug", Description: "A 350 ml mug in speckled oatmeal glaze. Dishwasher safe.", PriceCents: 2400},
	{Name: "Linen tea towel", Description: "Stonewashed European linen, 50 × 70 cm, with a hanging loop.", PriceCents: 1450},
	{Name: "Beeswax candle, tall", Description: "Pure beeswax, cotton wick, about 12 hours of warm light.", PriceCents: 1800},
	{Name: "Walnut serving board", Description: "Oiled black walnut, 40 × 20 cm. Each grain pattern is unique.", PriceCents: 6500},
	{Name: "Notebook, dot grid", Description: "A5, 160 pages of 100 g/m² paper that takes fountain pens well.", PriceCents: 1600},
	{Name: "Wool throw blanket", Description: "Lambswool herringbone, 130 × 180 cm, woven in a family mill.", PriceCents: 12900},
	{Name: "Cast iron skillet", Description: "Pre-seasoned 26 cm skillet that will outlive its owner.", PriceCents: 5900},
	{Name: "Ceramic planter", Description: "Matte white planter with drainage hole and saucer, 14 cm.", PriceCents: 2900},
	{Name: "Olive wood spoon set", Description: "Three spoons carved from fallen olive branches.", PriceCents: 3200},
	{Name: "Enamel camping mug", Description: "Classic white enamel with a navy rim, 300 ml.", PriceCents: 1200},
	{Name: "Brass bookmark", Description: "Etched brass with a leather tassel.", PriceCents: 950},
	{Name: "Loose-leaf green tea", Description: "100 g of first-flush sencha in a resealable tin.", PriceCents: 1750},
	{Name: "Leather card wallet", Description: "Vegetable-tanned leather, hand-stitched, holds six cards.", PriceCents: 4500},
	{Name: "Glass carafe", Description: "Mouth-blown 1 l carafe with a tumbler that doubles as a lid.", PriceCents: 3800},
}

// SeedDemo fills an empty catalogue with demo products so a first start shows a
// working shop. It does nothing when any product exists, and reports how many it added.
func SeedDemo(ctx context.Context, db *bun.DB) (int, error) {
	n, err := db.NewSelect().Model((*models.Product)(nil)).Count(ctx)
	if err != nil {
		return 0, dbError("demo: count products", err)
	}
	if n > 0 {
		return 0, nil
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		seller := &models.User{Email: demoSellerEmail, PasswordHash: "!demo-account-cannot-log-in", CreatedAt: time.Now().UTC()}
		if _, err := tx.NewInsert().Model(seller).On("CONFLICT DO NOTHING").Returning("id").Exec(ctx); err != nil {
			return err
		}
		if seller.ID == 0 {
			if err := tx.NewSelect().Model(seller).Where("email = ?", demoSellerEmail).Scan(ctx); err != nil {
				return err
			}
		}
		// The demo seller's store is the one any first sale without store
		// fields gets: named after the address (demo-seller).
		if _, err := ensureStore(ctx, tx, seller.ID, nil, time.Now()); err != nil {
			return err
		}
		start := time.Now().UTC().Truncate(time.Second).Add(-time.Duration(len(demoProducts)) * time.Hour)
		products := make([]models.Product, len(demoProducts))
		for i, p := range demoProducts {
			p.SellerID = seller.ID
			p.CreatedAt = start.Add(time.Duration(i) * time.Hour)
			p.UpdatedAt = p.CreatedAt
			products[i] = p
		}
		if _, err := tx.NewInsert().Model(&products).Exec(ctx); err != nil {
			return err
		}
		return bumpVersions(ctx, tx, seller.ID)
	})
	if err != nil {
		return 0, fmt.Errorf("demo: seed: %w", err)
	}
	return len(demoProducts), nil
}
