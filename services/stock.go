package services

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// Stock is reserved and given back only through these two functions, row by
// row in product id order: concurrent checkouts and cancellations that touch the
// same products lock them in the same order, so they never deadlock.

// stockLine is a quantity of one product.
type stockLine struct {
	ProductID int64
	Quantity  int
}

// reserveStock takes each line's quantity from its product's stock with one
// conditional UPDATE per product: stock never goes below zero, whatever runs
// at the same time (on PostgreSQL the UPDATE waits for a concurrent one on the
// row and re-checks the condition; SQLite has one writer). Unlimited products
// (NULL stock) are not written at all. It returns, for each product that has
// too few, what is left (0: sold out, or no longer there); on any shortage it
// gives back what it took, so the caller may commit or roll back. A product
// whose page shows its stock after the change ("Only 3 left", "Sold out":
// models.StockShown) changes the catalogue version in the same transaction, so
// cached pages show it on the next request; other sales leave the page cache
// alone.
func reserveStock(ctx context.Context, tx bun.Tx, lines []stockLine) (map[int64]int64, error) {
	lines = slices.Clone(lines)
	slices.SortFunc(lines, byProductID)
	short := map[int64]int64{}
	var taken []stockLine
	shown := false
	for _, l := range lines {
		var after int64
		err := tx.NewRaw("UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ? RETURNING stock",
			l.Quantity, l.ProductID, l.Quantity).Scan(ctx, &after)
		if err == nil {
			taken = append(taken, l)
			shown = shown || models.StockShown(after)
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		// Not taken: unlimited (nothing to take), or too few left.
		var left *int64
		err = tx.NewRaw("SELECT stock FROM products WHERE id = ?", l.ProductID).Scan(ctx, &left)
		gone := errors.Is(err, sql.ErrNoRows)
		if err != nil && !gone {
			return nil, err
		}
		switch {
		case gone:
			short[l.ProductID] = 0
		case left != nil:
			short[l.ProductID] = *left
		}
	}
	if len(short) > 0 {
		// Giving back what was taken leaves every page as it was: no new version.
		if _, err := giveBack(ctx, tx, taken); err != nil {
			return nil, err
		}
		return short, nil
	}
	if shown {
		return short, bumpCatalogVersion(ctx, tx)
	}
	return short, nil
}

// releaseStock gives the lines' quantities back to their products. Unlimited
// and deleted products are left alone. A product whose page showed its stock
// before changes the catalogue version (see reserveStock).
func releaseStock(ctx context.Context, tx bun.Tx, lines []stockLine) error {
	shown, err := giveBack(ctx, tx, lines)
	if err != nil || !shown {
		return err
	}
	return bumpCatalogVersion(ctx, tx)
}

// giveBack returns the lines' quantities to their products and reports
// whether the page of one of them showed its stock before.
func giveBack(ctx context.Context, tx bun.Tx, lines []stockLine) (shownBefore bool, err error) {
	lines = slices.Clone(lines)
	slices.SortFunc(lines, byProductID)
	for _, l := range lines {
		var after int64
		err := tx.NewRaw("UPDATE products SET stock = stock + ? WHERE id = ? AND stock IS NOT NULL RETURNING stock",
			l.Quantity, l.ProductID).Scan(ctx, &after)
		switch {
		case errors.Is(err, sql.ErrNoRows): // unlimited or deleted
		case err != nil:
			return false, err
		case models.StockShown(after - int64(l.Quantity)):
			shownBefore = true
		}
	}
	return shownBefore, nil
}

func byProductID(a, b stockLine) int { return cmp.Compare(a.ProductID, b.ProductID) }
