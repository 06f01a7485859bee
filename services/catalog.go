package services

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// Catalog lists, shows, creates and changes products (products.go: a
// seller's reads and writes; dashboard.go: the seller's list).
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

// ListProducts returns page number n (1-based) of the published products,
// newest first, with their stores and covers.
func (c *Catalog) ListProducts(ctx context.Context, n int) (models.ProductPage, error) {
	page, err := productPage(ctx, c.db, n, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where(publicProducts)
	})
	return page, dbError("catalog: list products", err)
}

// ProductByID returns a published product with its store and images, or
// ENOTFOUND (also for drafts and deleted products).
func (c *Catalog) ProductByID(ctx context.Context, id int64) (*models.Product, error) {
	return c.findProduct(ctx, id, publicProducts)
}

var errProductNotFound = models.NotFound("product")

// ProductsBySeller returns a seller's products (drafts too, not deleted ones),
// newest first. SellerDashboard is the account page's cheaper read.
func (c *Catalog) ProductsBySeller(ctx context.Context, sellerID int64) ([]models.Product, error) {
	var products []models.Product
	err := c.db.NewSelect().Model(&products).Where("seller_id = ?", sellerID).Where(liveProducts).
		OrderExpr("created_at DESC, id DESC").Limit(models.DashboardMaxProducts).Scan(ctx)
	if err != nil {
		return nil, dbError("catalog: list seller products", err)
	}
	return products, nil
}

// CreateProduct validates the input and stores the product for the seller,
// published or as a draft (in.Status; "" publishes). A seller's first product
// also creates their store: from in.Store (the form's store fields), or, when
// the caller gives none, from the suggestion for their email (SuggestStore).
// Invalid input is EINVALID with a message per field (the store's under
// store_name, store_slug, store_bio), and nothing is stored.
func (c *Catalog) CreateProduct(ctx context.Context, sellerID int64, in models.ProductInput) (*models.Product, error) {
	p, err := in.Validate()
	if err != nil {
		return nil, err
	}
	if p.Status == "" {
		p.Status = models.ProductPublished
	}
	p.SellerID = sellerID
	p.CreatedAt = c.now().UTC().Truncate(time.Microsecond)
	p.UpdatedAt = p.CreatedAt
	// The version changes in the same transaction as the product: no instance can
	// see the product without the new version, or the new version without it.
	err = InTx(ctx, c.db, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&p).Returning("id").Exec(ctx); err != nil {
			if isForeignKeyViolation(err) {
				return ErrUserGone // the seller's account was deleted during their session
			}
			return dbError("catalog: create product", err)
		}
		// After the product: its insert holds the account (a foreign key's
		// lock) from here on, and a store refused rolls it back.
		store, err := ensureStore(ctx, tx, sellerID, in.Store, p.CreatedAt)
		if err != nil {
			return err
		}
		p.Store = store.Ref()
		return bumpVersions(ctx, tx, sellerID)
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
