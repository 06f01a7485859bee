package services

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// sellerDashboardSQL reads a seller's live products (drafts too) from
// products_seller_newest_idx, already in order, with their covers (on the
// row) and their store (joined as on a card). The counts come from the rows
// themselves; only a seller with more than the list holds needs a second
// query for them (window functions cost as much as the rest of the query).
//
// Sales are the seller's paid order lines of all time, summed per product in
// one pass over order_lines_seller_idx (the seller's lines only: another
// seller's sales can never be joined to a row).
const sellerDashboardSQL = "SELECT p.id, p.name, p.status, p.price_cents, p.created_at, " +
	"p.cover_alt, p.cover_width, p.cover_height, p.cover_variants, " +
	"COALESCE(s.sold, 0) AS sold, COALESCE(s.revenue_cents, 0) AS revenue_cents, " + productCardColumns +
	" FROM products AS p " + productCardJoins +
	" LEFT JOIN (SELECT ol.product_id, SUM(ol.quantity) AS sold, CAST(SUM(ol.quantity * ol.unit_price_cents) AS BIGINT) AS revenue_cents" +
	" FROM order_lines AS ol JOIN orders AS o ON o.id = ol.order_id" +
	" WHERE ol.seller_id = ? AND o.status = 'paid' GROUP BY ol.product_id) AS s ON s.product_id = p.id" +
	" WHERE p.seller_id = ? AND " + liveProducts +
	" ORDER BY p.created_at DESC, p.id DESC LIMIT ?"

// dashboardRow is one row of sellerDashboardSQL.
type dashboardRow struct {
	models.DashboardProduct
	StoreName string `bun:"store_name"`
	StoreSlug string `bun:"store_slug"`
}

// SellerDashboard returns the seller's live products (drafts too, not deleted
// ones), newest first with each cover, at most models.DashboardMaxProducts,
// the counts of published products and drafts, and their store (nil before
// their first product). One query; a second, for the store, only when the
// seller has no products (or for the counts, beyond the list's limit).
func (c *Catalog) SellerDashboard(ctx context.Context, sellerID int64) (models.Dashboard, error) {
	var d models.Dashboard
	q := sqlOf(sellerDashboardSQL, sellerID, sellerID, models.DashboardMaxProducts)
	var err error
	if db, pooled := c.db.(*bun.DB); pooled && DialectName(db) == "pg" {
		err = c.dashboardPG(ctx, db, q, &d)
	} else {
		var rows []dashboardRow
		err = c.db.NewRaw(q.sql, q.args...).Scan(ctx, &rows)
		d.Products = make([]models.DashboardProduct, len(rows))
		for i, r := range rows {
			d.Products[i] = r.DashboardProduct
			if i == 0 && r.StoreSlug != "" {
				d.Store = &models.StoreRef{Name: r.StoreName, Slug: r.StoreSlug}
			}
		}
	}
	if err != nil {
		return models.Dashboard{}, dbError("catalog: seller dashboard", err)
	}
	if len(d.Products) == 0 {
		st, err := storeOfUser(ctx, c.db, sellerID)
		if st != nil {
			ref := st.Ref()
			d.Store = &ref
		}
		return d, err
	}
	for _, p := range d.Products {
		if p.Status == models.ProductDraft {
			d.Drafts++
		}
	}
	d.Published = len(d.Products) - d.Drafts
	if len(d.Products) == models.DashboardMaxProducts {
		d.Published, d.Drafts, err = c.countByStatus(ctx, sellerID)
	}
	return d, err
}

// dashboardPG runs the dashboard's query as a prepared statement (planning it
// on every call cost three times its execution) and scans it straight into d:
// the store's columns only on the first row, the variants as text (pgx's
// sql.Scanner path costs more than the parse).
func (c *Catalog) dashboardPG(ctx context.Context, db *bun.DB, q sqlQuery, d *models.Dashboard) error {
	d.Products = make([]models.DashboardProduct, 0, 64)
	var store models.StoreRef
	return queryPreparedPG(ctx, db, q, func(r pgx.Rows) error {
		var p models.DashboardProduct
		var variants string
		storeName, storeSlug := any(&store.Name), any(&store.Slug)
		if d.Store != nil {
			storeName, storeSlug = nil, nil // pgx skips the column
		}
		err := r.Scan(&p.ID, &p.Name, &p.Status, &p.PriceCents, &p.CreatedAt,
			&p.Cover.Alt, &p.Cover.Width, &p.Cover.Height, &variants, &p.Sold, &p.RevenueCents, storeName, storeSlug)
		if err == nil {
			err = p.Cover.Variants.Scan(variants)
		}
		if d.Store == nil && store.Slug != "" {
			d.Store = &store
		}
		d.Products = append(d.Products, p)
		return err
	})
}

// countByStatus counts the seller's live products, published and drafts.
func (c *Catalog) countByStatus(ctx context.Context, sellerID int64) (published, drafts int, err error) {
	var counts []struct {
		Status models.ProductStatus `bun:"status"`
		N      int                  `bun:"n"`
	}
	err = c.db.NewSelect().Model((*models.Product)(nil)).ColumnExpr("p.status, count(*) AS n").
		Where("p.seller_id = ?", sellerID).Where(liveProducts).Group("p.status").Scan(ctx, &counts)
	for _, n := range counts {
		if n.Status == models.ProductDraft {
			drafts = n.N
		} else {
			published += n.N
		}
	}
	return published, drafts, dbError("catalog: count seller products", err)
}
