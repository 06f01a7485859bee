package services

import (
	"context"

	"github.com/storefront/storefront/models"
)

// GroupAdd (tests only) is one add of a group written by AddAsOneGroup.
type GroupAdd struct {
	Owner     models.CartOwner
	ProductID int64
	Qty       int
	// WithoutCount: the add as AddItem makes it (no count asked).
	WithoutCount bool
}

// AddAsOneGroup (tests only) writes adds as one group on PostgreSQL, as
// concurrent Adds would be when they wait together, and returns each add's
// count and error as Add would.
func (c *Carts) AddAsOneGroup(ctx context.Context, adds []GroupAdd) ([]int, []error) {
	group := make([]cartAdd, len(adds))
	for i, a := range adds {
		group[i] = cartAdd{owner: a.Owner, productID: a.ProductID, qty: a.Qty, now: c.now(), count: !a.WithoutCount}
	}
	counts, errs := make([]int, len(adds)), make([]error, len(adds))
	results, err := addItemsPG(ctx, c.preparedDB(), group)
	for i, a := range adds {
		if err != nil {
			errs[i] = err
			continue
		}
		var done bool
		if counts[i], done, errs[i] = addedInGroup(a.Owner, a.ProductID, a.Qty, results[i]); !done {
			counts[i], errs[i] = c.addInTx(ctx, a.Owner, a.ProductID, a.Qty, !a.WithoutCount)
		}
	}
	return counts, errs
}
