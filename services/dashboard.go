package services

import (
	"context"
	"time"

	"github.com/storefront/storefront/models"
)

// sellerDashboardSQL reads a seller's whole dashboard in one statement: their
// store, each live product with its cover (one index probe per product on
// product_images' unique (product_id, position)), and the counts (window
// functions, over all the products, before the LIMIT). It starts from the
// seller's id so that it returns a row even for an account with no store or
// no products. The products come from products_seller_newest_idx, already in
// order.
const sellerDashboardSQL = `
SELECT st.id AS store_id, st.name AS store_name, st.slug AS store_slug, st.bio AS store_bio,
	st.created_at AS store_created_at, st.updated_at AS store_updated_at,
	p.id, p.name, p.status, p.price_cents, p.created_at, p.updated_at,
	ci.alt AS cover_alt, ci.width AS cover_width, ci.height AS cover_height, ci.variants AS cover_variants,
	count(p.id) OVER () AS live, sum(CASE WHEN p.status = 'draft' THEN 1 ELSE 0 END) OVER () AS drafts
FROM (SELECT CAST(? AS BIGINT) AS id) AS seller
LEFT JOIN stores AS st ON st.user_id = seller.id
LEFT JOIN products AS p ON p.seller_id = seller.id AND p.deleted_at IS NULL
LEFT JOIN product_images AS ci ON ci.product_id = p.id AND ci.position = 0
ORDER BY p.created_at DESC, p.id DESC
LIMIT ?`

// dashboardRow is one row of sellerDashboardSQL; the store's columns repeat.
type dashboardRow struct {
	StoreID        int64     `bun:"store_id"`
	StoreName      string    `bun:"store_name"`
	StoreSlug      string    `bun:"store_slug"`
	StoreBio       string    `bun:"store_bio"`
	StoreCreatedAt time.Time `bun:"store_created_at"`
	StoreUpdatedAt time.Time `bun:"store_updated_at"`

	ID         int64                `bun:"id"`
	Name       string               `bun:"name"`
	Status     models.ProductStatus `bun:"status"`
	PriceCents int64                `bun:"price_cents"`
	CreatedAt  time.Time            `bun:"created_at"`
	UpdatedAt  time.Time            `bun:"updated_at"`

	CoverAlt      string               `bun:"cover_alt"`
	CoverWidth    int                  `bun:"cover_width"`
	CoverHeight   int                  `bun:"cover_height"`
	CoverVariants models.ImageVariants `bun:"cover_variants"`

	Live   int `bun:"live"`
	Drafts int `bun:"drafts"`
}

// SellerDashboard returns the seller's store (nil before their first
// product), their live products (drafts too, not deleted ones) newest first
// with each cover, at most models.DashboardMaxProducts, and the counts of
// published products and drafts, in one query.
func (c *Catalog) SellerDashboard(ctx context.Context, sellerID int64) (models.Dashboard, error) {
	var rows []dashboardRow
	err := c.db.NewRaw(sellerDashboardSQL, sellerID, models.DashboardMaxProducts).Scan(ctx, &rows)
	if err != nil {
		return models.Dashboard{}, dbError("catalog: seller dashboard", err)
	}
	var d models.Dashboard
	if len(rows) == 0 {
		return d, nil // cannot happen: the query returns one row at least
	}
	if first := rows[0]; first.StoreID != 0 {
		d.Store = &models.Store{ID: first.StoreID, UserID: sellerID, Name: first.StoreName, Slug: first.StoreSlug,
			Bio: first.StoreBio, CreatedAt: first.StoreCreatedAt, UpdatedAt: first.StoreUpdatedAt}
	}
	d.Drafts = rows[0].Drafts
	d.Published = rows[0].Live - d.Drafts
	if rows[0].ID == 0 {
		return d, nil // no products: the one row has only the store
	}
	d.Products = make([]models.DashboardProduct, len(rows))
	for i, r := range rows {
		d.Products[i] = models.DashboardProduct{ID: r.ID, Name: r.Name, Status: r.Status, PriceCents: r.PriceCents,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
			Cover: models.Image{Alt: r.CoverAlt, Width: r.CoverWidth, Height: r.CoverHeight, Variants: r.CoverVariants}}
	}
	return d, nil
}
