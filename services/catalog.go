package services

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// Catalog lists, shows and creates products.
type Catalog struct {
	db      bun.IDB // the database, or the caller's transaction (WithTx)
	version *coalescedVersion
	now     func() time.Time
}

// NewCatalog returns the catalog service.
func NewCatalog(db *bun.DB) *Catalog {
	read := func(ctx context.Context) (string, error) { return readCatalogVersion(ctx, db) }
	return &Catalog{db: db, version: &coalescedVersion{read: read}, now: time.Now}
}

// WithTx returns the catalog working inside tx, so that its writes become part of
// the caller's operation (see InTx) and commit or roll back with it.
func (c *Catalog) WithTx(tx bun.Tx) *Catalog {
	inTx := *c
	inTx.db = tx
	return &inTx
}

// Version returns the catalogue's current version: anything derived from the
// products under another version is out of date. Concurrent calls share one
// database read that starts after each of them asked.
func (c *Catalog) Version(ctx context.Context) (string, error) {
	return c.version.Current(ctx)
}

// ListProducts returns page number n (1-based) of all products, newest first.
func (c *Catalog) ListProducts(ctx context.Context, n int) (models.ProductPage, error) {
	if n < 1 {
		n = 1
	}
	var products []models.Product
	// One extra row tells whether a next page exists without a COUNT query.
	err := c.db.NewSelect().Model(&products).
		OrderExpr("created_at DESC, id DESC").
		Limit(models.ProductsPerPage + 1).
		Offset(int64(n-1) * models.ProductsPerPage).
		Scan(ctx)
	if err != nil {
		return models.ProductPage{}, dbError("catalog: list products", err)
	}
	page := models.ProductPage{Number: n, HasPrev: n > 1}
	if len(products) > models.ProductsPerPage {
		page.HasNext = true
		products = products[:models.ProductsPerPage]
	}
	page.Products = products
	return page, nil
}

// ProductByID returns one product, or ENOTFOUND.
func (c *Catalog) ProductByID(ctx context.Context, id int64) (*models.Product, error) {
	p := new(models.Product)
	err := c.db.NewSelect().Model(p).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errProductNotFound
	}
	if err != nil {
		return nil, dbError("catalog: find product", err)
	}
	return p, nil
}

var errProductNotFound = models.Errorf(models.ENOTFOUND, "We could not find that product.")

// ProductsBySeller returns a seller's products, newest first.
func (c *Catalog) ProductsBySeller(ctx context.Context, sellerID int64) ([]models.Product, error) {
	var products []models.Product
	err := c.db.NewSelect().Model(&products).Where("seller_id = ?", sellerID).
		OrderExpr("created_at DESC, id DESC").Limit(500).Scan(ctx)
	if err != nil {
		return nil, dbError("catalog: list seller products", err)
	}
	return products, nil
}

// CreateProduct validates the input and stores the product for the seller.
// Invalid input is EINVALID with a message per field, and nothing is stored.
func (c *Catalog) CreateProduct(ctx context.Context, sellerID int64, in models.ProductInput) (*models.Product, error) {
	p, err := in.Validate()
	if err != nil {
		return nil, err
	}
	p.SellerID = sellerID
	p.CreatedAt = c.now().UTC().Truncate(time.Microsecond)
	// The version changes in the same transaction as the product: no instance can
	// see the product without the new version, or the new version without it.
	err = InTx(ctx, c.db, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&p).Returning("id").Exec(ctx); err != nil {
			if isForeignKeyViolation(err) {
				return ErrUserGone // the seller's account was deleted during their session
			}
			return dbError("catalog: create product", err)
		}
		return bumpCatalogVersion(ctx, tx)
	})
	if err != nil {
		return nil, dbError("catalog: create product", err) // BEGIN and COMMIT can fail too
	}
	return &p, nil
}

// CountProducts returns the number of products.
func (c *Catalog) CountProducts(ctx context.Context) (int64, error) {
	n, err := c.db.NewSelect().Model((*models.Product)(nil)).Count(ctx)
	return n, dbError("catalog: count products", err)
}
