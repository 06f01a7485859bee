package services

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// Conditions on products (alias p), as SQL text so that raw queries (search)
// use the same words. The literals let SQLite match the partial index
// products_public_newest_idx, which it only uses when the query repeats its
// WHERE clause.
const (
	// publicProducts: what everyone may see, in every list, page and search.
	publicProducts = "p.status = 'published' AND p.deleted_at IS NULL"
	// liveProducts: what the seller still has; deleted products are no one's.
	liveProducts = "p.deleted_at IS NULL"
)

// A product card names its store, joined in the same query (no query per
// card) by its unique user_id; the cover is on the product's row (cover_*).
// A product whose seller has no store (rows written before stores, by hand)
// still shows, without a store name. The columns are never NULL (COALESCE),
// so that pgx can scan them as bun does (prepared statements).
const (
	productCardJoins   = "LEFT JOIN stores AS st ON st.user_id = p.seller_id"
	productCardColumns = "COALESCE(st.name, '') AS store_name, COALESCE(st.slug, '') AS store_slug"
)

// productCardRow is a product with what its card joins.
type productCardRow struct {
	models.Product `bun:",extend"`

	StoreName string `bun:"store_name,scanonly"`
	StoreSlug string `bun:"store_slug,scanonly"`
}

// card returns the product with its store filled in.
func (r productCardRow) card() models.Product {
	p := r.Product
	p.Store = models.StoreRef{Name: r.StoreName, Slug: r.StoreSlug}
	return p
}

// productPage returns page n (1-based) of the products that filter keeps, as
// cards, newest first.
func productPage(ctx context.Context, db bun.IDB, n int, filter func(*bun.SelectQuery) *bun.SelectQuery) (models.ProductPage, error) {
	if n < 1 {
		n = 1
	}
	var rows []productCardRow
	// One extra row tells whether a next page exists without a COUNT query.
	err := filter(selectProductCards(db, &rows)).
		OrderExpr("p.created_at DESC, p.id DESC").
		Limit(models.ProductsPerPage + 1).
		Offset(int64(n-1) * models.ProductsPerPage).
		Scan(ctx)
	if err != nil {
		return models.ProductPage{}, err
	}
	page := models.ProductPage{Number: n, HasPrev: n > 1}
	if len(rows) > models.ProductsPerPage {
		page.HasNext = true
		rows = rows[:models.ProductsPerPage]
	}
	page.Products = make([]models.Product, len(rows))
	for i, r := range rows {
		page.Products[i] = r.card()
	}
	return page, nil
}

// selectProductCards starts a query for product cards: the products' own
// columns and the joined ones. Add the conditions and the order.
func selectProductCards(db bun.IDB, rows *[]productCardRow) *bun.SelectQuery {
	return db.NewSelect().Model(rows).
		ColumnExpr("?TableColumns").ColumnExpr(productCardColumns).
		Join(productCardJoins)
}
