package services

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/storefront/storefront/models"
)

// A seller's operations on a product find it by id AND seller: for a product of
// another seller, a deleted one or none at all the answer is the same
// ENOTFOUND (errProductNotFound), and nothing changes. No answer tells a
// seller that someone else's product exists.

// ProductForViewer returns the product page's product: a published one for
// anyone, or a draft for its own seller (viewerID; 0 for a guest). Drafts of
// others and deleted products are ENOTFOUND.
func (c *Catalog) ProductForViewer(ctx context.Context, viewerID, id int64) (*models.Product, error) {
	return c.findProduct(ctx, id, "p.deleted_at IS NULL AND (p.status = 'published' OR p.seller_id = ?)", viewerID)
}

// ProductForSeller returns one of the seller's products, draft or published,
// for its edit page, or ENOTFOUND.
func (c *Catalog) ProductForSeller(ctx context.Context, sellerID, id int64) (*models.Product, error) {
	return c.findProduct(ctx, id, "p.deleted_at IS NULL AND p.seller_id = ?", sellerID)
}

// findProduct returns the product with this id that meets cond, with its store
// and its images in order.
func (c *Catalog) findProduct(ctx context.Context, id int64, cond string, args ...any) (*models.Product, error) {
	var rows []productCardRow
	err := selectProductCards(c.db, &rows).Where("p.id = ?", id).Where(cond, args...).Scan(ctx)
	if err != nil {
		return nil, dbError("catalog: find product", err)
	}
	if len(rows) == 0 {
		return nil, errProductNotFound
	}
	p := rows[0].card()
	if err := c.db.NewSelect().Model(&p.Images).Where("product_id = ?", id).Order("position").Scan(ctx); err != nil {
		return nil, dbError("catalog: product images", err)
	}
	if len(p.Images) == 0 {
		p.Images = nil // as on a card: no images
	}
	return &p, nil
}

// UpdateProduct changes the seller's product to the input (the same fields
// and rules as CreateProduct; in.Store is ignored): EINVALID with a message per
// field, or ENOTFOUND, and nothing changes. in.Status publishes or unpublishes
// it as well ("" keeps its status); publishing needs every image described.
func (c *Catalog) UpdateProduct(ctx context.Context, sellerID, id int64, in models.ProductInput) (*models.Product, error) {
	in.Store = nil
	edit, err := in.Validate()
	if err != nil {
		return nil, err
	}
	var p *models.Product
	err = InTx(ctx, c.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if p, err = lockOwnedProduct(ctx, tx, sellerID, id); err != nil {
			return err
		}
		if edit.Status != "" {
			p.Status = edit.Status
		}
		if p.Status == models.ProductPublished {
			if err := requireAltTexts(ctx, tx, id); err != nil {
				return err
			}
		}
		p.Name, p.Description, p.PriceCents = edit.Name, edit.Description, edit.PriceCents
		p.UpdatedAt = c.now().UTC().Truncate(time.Microsecond)
		_, err = tx.NewUpdate().Model(p).Column("name", "description", "price_cents", "stock", "status", "updated_at").WherePK().Exec(ctx)
		if err != nil {
			return dbError("catalog: update product", err)
		}
		return bumpVersions(ctx, tx, sellerID)
	})
	if err != nil {
		return nil, dbError("catalog: update product", err)
	}
	return p, nil
}

// Publish shows the seller's product to everyone. It is EINVALID, with a
// message under models.ImageAltField for each, while an image has no alt text;
// ENOTFOUND for a product that is not the seller's.
func (c *Catalog) Publish(ctx context.Context, sellerID, id int64) error {
	return c.setStatus(ctx, sellerID, id, models.ProductPublished)
}

// Unpublish makes the seller's product a draft again: only they see it.
// ENOTFOUND for a product that is not theirs.
func (c *Catalog) Unpublish(ctx context.Context, sellerID, id int64) error {
	return c.setStatus(ctx, sellerID, id, models.ProductDraft)
}

func (c *Catalog) setStatus(ctx context.Context, sellerID, id int64, status models.ProductStatus) error {
	err := InTx(ctx, c.db, func(ctx context.Context, tx bun.Tx) error {
		p, err := lockOwnedProduct(ctx, tx, sellerID, id)
		if err != nil {
			return err
		}
		if status == models.ProductPublished {
			if err := requireAltTexts(ctx, tx, id); err != nil {
				return err
			}
		}
		p.Status, p.UpdatedAt = status, c.now().UTC().Truncate(time.Microsecond)
		if _, err := tx.NewUpdate().Model(p).Column("status", "updated_at").WherePK().Exec(ctx); err != nil {
			return dbError("catalog: set product status", err)
		}
		return bumpVersions(ctx, tx, sellerID)
	})
	return dbError("catalog: set product status", err)
}

// DeleteProduct deletes the seller's product softly: the row stays for past
// orders, with its images, but the product is gone from every page and list,
// the seller's own included. ENOTFOUND for a product that is not theirs (or
// already deleted).
func (c *Catalog) DeleteProduct(ctx context.Context, sellerID, id int64) error {
	err := InTx(ctx, c.db, func(ctx context.Context, tx bun.Tx) error {
		p, err := lockOwnedProduct(ctx, tx, sellerID, id)
		if err != nil {
			return err
		}
		now := c.now().UTC().Truncate(time.Microsecond)
		p.DeletedAt, p.UpdatedAt = now, now
		if _, err := tx.NewUpdate().Model(p).Column("deleted_at", "updated_at").WherePK().Exec(ctx); err != nil {
			return dbError("catalog: delete product", err)
		}
		return bumpVersions(ctx, tx, sellerID)
	})
	return dbError("catalog: delete product", err)
}

// lockOwnedProduct reads the seller's live product inside tx and keeps others
// from changing it (or its images) until tx ends: a row lock on PostgreSQL;
// SQLite transactions take the write lock when they begin. ENOTFOUND for any
// other product.
func lockOwnedProduct(ctx context.Context, tx bun.Tx, sellerID, id int64) (*models.Product, error) {
	p := new(models.Product)
	q := tx.NewSelect().Model(p).Where("p.id = ? AND p.seller_id = ?", id, sellerID).Where(liveProducts)
	err := forUpdate(q).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errProductNotFound
	}
	if err != nil {
		return nil, dbError("catalog: find own product", err)
	}
	return p, nil
}

// forUpdate locks the rows q reads until the transaction ends, on PostgreSQL
// (FOR NO KEY UPDATE: rows that refer to them can still be inserted). SQLite
// needs nothing: a transaction there holds the database's one write lock.
func forUpdate(q *bun.SelectQuery) *bun.SelectQuery {
	if q.Dialect().Name() == dialect.PG {
		return q.For("NO KEY UPDATE")
	}
	return q
}

// requireAltTexts refuses to publish a product while one of its images has no
// alt text: EINVALID, with a message under each such image's field.
func requireAltTexts(ctx context.Context, tx bun.Tx, productID int64) error {
	var missing []int64
	err := tx.NewSelect().Model((*models.ProductImage)(nil)).Column("id").
		Where("product_id = ? AND alt = ''", productID).Order("position").Scan(ctx, &missing)
	if err != nil {
		return dbError("catalog: check alt texts", err)
	}
	if len(missing) == 0 {
		return nil
	}
	fields := make(map[string]string, len(missing))
	for _, id := range missing {
		fields[models.ImageAltField(id)] = "Describe this image before publishing."
	}
	return &models.Error{Code: models.EINVALID, Message: msgAltTextsMissing, Fields: fields}
}

const msgAltTextsMissing = "Describe every image (its alt text, for people who cannot see it) before publishing."
