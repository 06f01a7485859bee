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
// gives back what it took, so the caller may commit or roll back.
func reserveStock(ctx context.Context, tx bun.Tx, lines []stockLine) (map[int64]int64, error) {
	lines = slices.Clone(lines)
	slices.SortFunc(lines, byProductID)
	short := map[int64]int64{}
	var taken []stockLine
	for _, l := range lines {
		res, err := tx.NewRaw("UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ?",
			l.Quantity, l.ProductID, l.Quantity).Exec(ctx)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			taken = append(taken, l)
			continue
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
		if err := releaseStock(ctx, tx, taken); err != nil {
			return nil, err
		}
	}
	return short, nil
}

// releaseStock gives the lines' quantities back to their products. Unlimited
// and deleted products are left alone.
func releaseStock(ctx context.Context, tx bun.Tx, lines []stockLine) error {
	lines = slices.Clone(lines)
	slices.SortFunc(lines, byProductID)
	for _, l := range lines {
		if _, err := tx.NewRaw("UPDATE products SET stock = stock + ? WHERE id = ? AND stock IS NOT NULL",
			l.Quantity, l.ProductID).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

func byProductID(a, b stockLine) int { return cmp.Compare(a.ProductID, b.ProductID) }
