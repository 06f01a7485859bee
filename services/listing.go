package services

import (
	"context"

	"github.com/storefront/storefront/models"
)

// Listing returns the published products (newest first) and the stores that
// have at least one, for the sitemap: drafts and deleted products are never in
// it. Together they are at most models.SitemapMaxURLs - reserved addresses;
// stores come first in that budget (there are far fewer of them).
func (c *Catalog) Listing(ctx context.Context, reserved int) (models.Listing, error) {
	var l models.Listing
	budget := models.SitemapMaxURLs - reserved
	err := c.db.NewSelect().TableExpr("stores AS st").ColumnExpr("st.slug, st.updated_at").
		Where("EXISTS (SELECT 1 FROM products AS p WHERE p.seller_id = st.user_id AND "+publicProducts+")").
		OrderExpr("st.id").Limit(int64(budget)).Scan(ctx, &l.Stores)
	if err != nil {
		return l, dbError("catalog: list stores for the sitemap", err)
	}
	budget -= len(l.Stores)
	if budget <= 0 {
		return l, nil
	}
	err = c.db.NewSelect().TableExpr("products AS p").ColumnExpr("p.id, p.updated_at").
		Where(publicProducts).OrderExpr("p.id DESC").Limit(int64(budget)).Scan(ctx, &l.Products)
	return l, dbError("catalog: list products for the sitemap", err)
}
