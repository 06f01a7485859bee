package services

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/uptrace/bun"
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
// whose last unit it takes (or gives back) changes the catalogue version in the
// same transaction, so cached pages say "Sold out" (or are buyable again) on
// the next request; other sales leave the page cache alone.
func reserveStock(ctx context.Context, tx bun.Tx, lines []stockLine) (map[int64]int64, error) {
	lines = slices.Clone(lines)
	slices.SortFunc(lines, byProductID)
	short := map[int64]int64{}
	var taken []stockLine
	soldOut := false
	for _, l := range lines {
		var after int64
		err := tx.NewRaw("UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ? RETURNING stock",
			l.Quantity, l.ProductID, l.Quantity).Scan(ctx, &after)
		if err == nil {
			taken = append(taken, l)
			soldOut = soldOut || after == 0
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
		// Giving back what was taken undoes any sell-out: no new version.
		if err := giveBack(ctx, tx, taken); err != nil {
			return nil, err
		}
		return short, nil
	}
	if soldOut {
		return short, bumpCatalogVersion(ctx, tx)
	}
	return short, nil
}

// releaseStock gives the lines' quantities back to their products. Unlimited
// and deleted products are left alone. A product back from sold out changes the
// catalogue version (see reserveStock).
func releaseStock(ctx context.Context, tx bun.Tx, lines []stockLine) error {
	restocked, err := giveBackCounting(ctx, tx, lines)
	if err != nil || !restocked {
		return err
	}
	return bumpCatalogVersion(ctx, tx)
}

// giveBack returns the lines' quantities to their products, without a new version.
func giveBack(ctx context.Context, tx bun.Tx, lines []stockLine) error {
	_, err := giveBackCounting(ctx, tx, lines)
	return err
}

// giveBackCounting returns the lines' quantities and reports whether a product
// had none left before.
func giveBackCounting(ctx context.Context, tx bun.Tx, lines []stockLine) (restocked bool, err error) {
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
		case after == int64(l.Quantity):
			restocked = true
		}
	}
	return restocked, nil
}

func byProductID(a, b stockLine) int { return cmp.Compare(a.ProductID, b.ProductID) }
